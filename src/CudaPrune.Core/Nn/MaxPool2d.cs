using CudaPrune.Core.Autograd;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>Max pooling over square windows.</summary>
public sealed class MaxPool2d(int kernel, int stride, int padding = 0) : Module
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;
    public int Padding { get; } = padding;

    protected override Tensor Forward(Tensor x) => Ops.MaxPool2d(x, Kernel, Stride, Padding);
}
