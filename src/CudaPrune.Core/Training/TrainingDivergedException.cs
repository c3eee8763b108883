using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Training;

/// <summary>
/// The loss, or a parameter's gradient, became NaN or infinite; says where (epoch, step and, for a gradient,
/// the parameter), so the run can be reproduced.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    private const string Advice = "Try a lower --lr or a warm-up.";

    public TrainingDivergedException(int epoch, int step, double loss)
        : base($"training diverged: the loss was {loss} at epoch {epoch}, step {step}. {Advice}")
    {
        Epoch = epoch;
        Step = step;
    }

    public TrainingDivergedException(int epoch, int step, NonFiniteValues gradient)
        : base($"training diverged: the gradient of '{gradient.TensorName}' at epoch {epoch}, step {step}: " +
               $"{gradient.Count:N0} non-finite value(s) of {gradient.Total:N0} (the first at flat index {gradient.FirstIndex}: {gradient.FirstValue}). {Advice}")
    {
        Epoch = epoch;
        Step = step;
        Parameter = gradient.TensorName;
    }

    public int Epoch { get; }
    public int Step { get; }

    /// <summary>The parameter whose gradient was not finite; null when the loss was.</summary>
    public string? Parameter { get; }
}
