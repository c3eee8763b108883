using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Autograd;

/// <summary>
/// The op that produced a tensor: its inputs and a closure that, given the output's gradient,
/// ADDS into the inputs' gradients (micrograd's <c>_backward</c>).
/// </summary>
public sealed class AutogradNode(string op, Tensor[] inputs, Action<Tensor> backward, IDisposable? saved = null)
{
    /// <summary>Op name, for debugging ("conv2d", "relu", ...).</summary>
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = inputs;
    public Action<Tensor> BackwardFn { get; } = backward;

    /// <summary>Tensors kept alive only for the backward pass (argmax, saved statistics); disposed with the graph.</summary>
    public IDisposable? Saved { get; } = saved;
}
