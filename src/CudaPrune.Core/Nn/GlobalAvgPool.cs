using CudaPrune.Core.Autograd;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>Mean over each channel's plane: [N,C,H,W] → [N,C] (already flat, ready for a linear layer).</summary>
public sealed class GlobalAvgPool : Module
{
    protected override Tensor Forward(Tensor x) => Ops.GlobalAvgPool(x);
}
