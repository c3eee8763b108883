namespace CudaPrune.Core.Training;

/// <summary>Learning rate as a function of the step: cosine annealing, step decay or constant, with optional linear warm-up.</summary>
public sealed class LearningRateSchedule
{
    /// <summary>Names accepted by <see cref="Parse"/>.</summary>
    public static readonly string[] Kinds = ["cosine", "step", "constant"];

    private readonly string _kind;

    private LearningRateSchedule(string kind, float baseLr, long totalSteps, long warmupSteps)
    {
        _kind = kind;
        BaseLearningRate = baseLr;
        TotalSteps = Math.Max(1, totalSteps);
        WarmupSteps = Math.Max(0, warmupSteps);
    }

    public float BaseLearningRate { get; }
    public long TotalSteps { get; }
    public long WarmupSteps { get; }

    public static LearningRateSchedule Parse(string kind, float baseLr, long totalSteps, long warmupSteps = 0)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"unknown schedule '{kind}': expected one of {string.Join(", ", Kinds)}");
        return new LearningRateSchedule(kind, baseLr, totalSteps, warmupSteps);
    }

    /// <summary>The learning rate for step <paramref name="step"/> (0-based).</summary>
    public float At(long step)
    {
        if (step < WarmupSteps) return BaseLearningRate * (step + 1) / WarmupSteps;
        double t = Math.Clamp((double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps), 0, 1);
        return _kind switch
        {
            "cosine" => (float)(BaseLearningRate * 0.5 * (1 + Math.Cos(Math.PI * t))),
            // Divide by 10 at 50 % and 75 % of training (the He et al. CIFAR recipe, scaled to any length).
            "step" => BaseLearningRate * (t < 0.5 ? 1f : t < 0.75 ? 0.1f : 0.01f),
            _ => BaseLearningRate,
        };
    }
}
