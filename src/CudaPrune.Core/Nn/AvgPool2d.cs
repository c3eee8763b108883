using CudaPrune.Core.Autograd;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>Average pooling over square windows (padded cells count in the divisor, as PyTorch's default).</summary>
public sealed class AvgPool2d(int kernel, int stride, int padding = 0) : Module
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;
    public int Padding { get; } = padding;

    protected override Tensor Forward(Tensor x) => Ops.AvgPool2d(x, Kernel, Stride, Padding);
}
