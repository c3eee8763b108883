namespace CudaPrune.Experiment.Engines;

/// <summary>How <see cref="InterleavedLatency"/> warms up and how long it measures.</summary>
public sealed record InterleaveOptions
{
    /// <summary>Unmeasured rounds first (JIT, allocator pools, thread pools, caches), interleaved like the measured ones.</summary>
    public int WarmupRounds { get; init; } = 3;

    /// <summary>At least this many measured rounds...</summary>
    public int MinRounds { get; init; } = 20;

    /// <summary>...and rounds go on until the measured ones span this much wall-clock time (a drift of the machine's load spreads over all runs)...</summary>
    public double MinSeconds { get; init; } = 1.0;

    /// <summary>...but never more than this many rounds.</summary>
    public int MaxRounds { get; init; } = 10_000;

    /// <summary>Runs of each runnable per turn within a round (1: strict alternation).</summary>
    public int RunsPerTurn { get; init; } = 1;

    /// <summary>Seed of the first round's starting position in the rotation.</summary>
    public int Seed { get; init; } = 1;

    public InterleaveOptions Validated()
    {
        if (WarmupRounds < 0) throw new ArgumentException($"warm-up rounds must be at least 0, got {WarmupRounds}");
        if (MinRounds < 1) throw new ArgumentException($"measured rounds must be at least 1, got {MinRounds}");
        if (MaxRounds < MinRounds) throw new ArgumentException($"the round cap ({MaxRounds}) is below the minimum rounds ({MinRounds})");
        if (RunsPerTurn < 1) throw new ArgumentException($"runs per turn must be at least 1, got {RunsPerTurn}");
        if (!(MinSeconds >= 0) || !double.IsFinite(MinSeconds)) throw new ArgumentException($"the minimum measured time must be ≥ 0 seconds, got {MinSeconds}");
        return this;
    }
}
