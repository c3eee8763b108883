namespace CudaPrune.Profiling.Latency;

/// <summary>How a model is profiled: warm-up and measured runs, cache flushing, CUDA graphs, per-kernel timing.</summary>
public sealed record ProfileOptions
{
    /// <summary>Unmeasured runs first (JIT, kernel loading, caches, the allocator's free lists, the timers' pools).</summary>
    public int Warmup { get; init; } = 5;

    /// <summary>At least this many measured runs.</summary>
    public int Runs { get; init; } = 30;

    /// <summary>Measured runs go on until they add up to this much time (short passes get more runs)...</summary>
    public double MinSeconds { get; init; } = 0.1;

    /// <summary>...but never more than this many runs.</summary>
    public int MaxRuns { get; init; } = 10_000;

    /// <summary>Also measure with the cache flushed (a write bigger than L2 / the last-level cache) before every run.</summary>
    public bool FlushL2 { get; init; }

    /// <summary>Also measure a CUDA graph replay of the forward pass (where the device has graphs).</summary>
    public bool Graph { get; init; }

    /// <summary>Fold every batch norm into the convolution before it (and a ReLU after it into the convolution's epilogue): see <see cref="FoldedForward"/>.</summary>
    public bool FoldBatchNorm { get; init; }

    /// <summary>Time every kernel (or CPU op) by (layer, kernel), in separate runs from the end-to-end ones.</summary>
    public bool Kernels { get; init; } = true;

    /// <summary>Seed of the random input images.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws a clear error for values no profile can use.</summary>
    public ProfileOptions Validated()
    {
        if (Warmup < 1) throw new ArgumentException($"--warmup must be at least 1 (the first run loads kernels and fills caches), got {Warmup}");
        if (Runs < 1) throw new ArgumentException($"--runs must be at least 1, got {Runs}");
        if (MaxRuns < Runs) throw new ArgumentException($"the run cap ({MaxRuns}) is below --runs ({Runs})");
        if (!(MinSeconds >= 0) || !double.IsFinite(MinSeconds)) throw new ArgumentException($"the minimum measured time must be ≥ 0 seconds, got {MinSeconds}");
        return this;
    }
}
