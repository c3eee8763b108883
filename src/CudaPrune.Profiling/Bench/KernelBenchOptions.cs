namespace CudaPrune.Profiling.Bench;

/// <summary>What <c>bench kernels</c> runs and how often.</summary>
public sealed record KernelBenchOptions
{
    /// <summary>The smallest number of timed runs per case and mode: medians over at least 30.</summary>
    public const int MinimumRuns = 30;

    /// <summary>Tiny shapes (GEMM 64 and 128, resnet20's convolutions at batch 1): proves the path, measures nothing.</summary>
    public bool Quick { get; init; }

    /// <summary>Timed runs per case, warm and again with L2 flushed.</summary>
    public int Runs { get; init; } = MinimumRuns;

    /// <summary>Untimed runs before the timed ones (after the first validation, itself a run).</summary>
    public int WarmupRuns { get; init; } = 2;

    /// <summary>Time version 2 of the convolutions at every tile, not only the one the backend picks.</summary>
    public bool AllTiles { get; init; }

    /// <summary>Only cases whose kernel, op, source or shape contains one of these (case-insensitive); empty: all.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>The models whose distinct conv layers are timed.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["resnet20", "vgg16"];

    /// <summary>Batch sizes of the conv layers.</summary>
    public IReadOnlyList<int> Batches { get; init; } = [1, 256];

    /// <summary>Square GEMM sizes (M = N = K).</summary>
    public IReadOnlyList<int> GemmSizes { get; init; } = [1024, 4096];

    /// <summary>The quick preset: tiny sizes, few runs.</summary>
    public static KernelBenchOptions QuickPreset => new()
    {
        Quick = true,
        Runs = 3,
        WarmupRuns = 1,
        Models = ["resnet20"],
        Batches = [1],
        GemmSizes = [64, 128],
    };
}
