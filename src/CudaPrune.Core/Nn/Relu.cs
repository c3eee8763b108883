using CudaPrune.Core.Autograd;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>max(x, 0), elementwise.</summary>
public sealed class Relu : Module
{
    protected override Tensor Forward(Tensor x) => Ops.Relu(x);
}
