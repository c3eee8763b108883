using CudaPrune.Core.Autograd;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>[N, ...] → [N, rest], a view in C order (channel-major, as PyTorch's flatten: index = c·H·W + h·W + w).</summary>
public sealed class Flatten : Module
{
    protected override Tensor Forward(Tensor x) => Ops.Flatten(x);
}
