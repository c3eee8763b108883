namespace CudaPrune.Core.Training;

/// <summary>The loss became NaN or infinite; says where, so the run can be reproduced.</summary>
public sealed class TrainingDivergedException(int epoch, int step, double loss)
    : Exception($"training diverged: the loss was {loss} at epoch {epoch}, step {step}. Try a lower --lr or a warm-up.")
{
    public int Epoch { get; } = epoch;
    public int Step { get; } = step;
}
