namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// The ops, versions and tiles of kernels/conv2d.cu and kernels/conv2d_specialised.cu: version 1 is the naive
/// direct convolution, version 2 the implicit GEMM with the shape as arguments (one kernel per tile of
/// <see cref="GenericTiles"/>), version 3 the same engine compiled per layer (shape and any valid tile as
/// defines). <see cref="Planning.ConvLaunchPlanner"/> picks tile and split-K per shape.
/// </summary>
public static class ConvKernels
{
    public const string Module = "conv2d";

    /// <summary>The module of version 3, compiled once per layer shape and tile (<see cref="Planning.ConvSpecialisation"/>).</summary>
    public const string SpecialisedModule = "conv2d_specialised";

    // The KernelVersions keys; each op's kernels are named <op>_kernel1, <op>_kernel2_<tile> and <op>_kernel3
    // (the fused op runs the forward kernels of versions 2 and 3 with relu = 1).
    public const string Forward = "conv2d_forward";
    public const string BiasReluForward = "conv2d_bias_relu_forward";
    public const string BackwardData = "conv2d_backward_data";
    public const string BackwardWeight = "conv2d_backward_weight";

    /// <summary>Adds the split-K partial sums (every pass) and applies bias, ReLU or accumulation.</summary>
    public const string SplitReduceKernel = "conv2d_split_reduce_kernel1";

    public static IReadOnlyList<string> Ops { get; } = [Forward, BiasReluForward, BackwardData, BackwardWeight];

    public static IReadOnlyList<int> Versions { get; } = [1, 2, 3];

    /// <summary>The version a real GPU runs: the per-layer kernels (compiled once per shape, then cached).</summary>
    public const int DefaultVersion = 3;

    /// <summary>
    /// The version the emulator runs by default: the generic kernels, built once with the emulator (each
    /// version-3 shape would cost a g++ build there). The checks run version 3 on the emulator explicitly.
    /// </summary>
    public const int DefaultEmulatedVersion = 2;

    /// <summary>Threads per block of the naive (version 1) and reduction kernels unless overridden.</summary>
    public const int NaiveBlockSize = 256;

    /// <summary>The tiles version 2 has a kernel for: BM 16…128 in steps that fit pruned counts, BN 32 or 128.</summary>
    public static IReadOnlyList<ConvTile> GenericTiles { get; } =
        [.. from rows in new[] { 16, 32, 48, 64, 96, 128 } from columns in new[] { 32, 128 } select new ConvTile(rows, columns)];

    /// <summary>The tiles version 3 can be compiled with: every valid BM (multiple of 4 up to 128) and BN.</summary>
    public static IReadOnlyList<ConvTile> SpecialisedTiles { get; } =
        [.. from rows in Enumerable.Range(1, 32).Select(i => 4 * i) from columns in new[] { 32, 64, 128 }
            let tile = new ConvTile(rows, columns) where tile.IsValid select tile];

    /// <summary>The tiles <paramref name="version"/> offers (none for the naive version 1).</summary>
    public static IReadOnlyList<ConvTile> TilesOf(int version) => version switch
    {
        1 => [],
        2 => GenericTiles,
        3 => SpecialisedTiles,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, $"convolutions have versions {string.Join(", ", Versions)}"),
    };

    /// <summary>
    /// Every kernel <paramref name="op"/> may launch at <paramref name="version"/>: version 1's one, version 2's
    /// of every generic tile, version 3's; the tiled versions add the split-K reduction. The module of version 3
    /// is <see cref="SpecialisedModule"/>.
    /// </summary>
    public static IReadOnlyList<string> KernelsOf(string op, int version) => version switch
    {
        1 => [$"{op}_kernel1"],
        2 => [.. GenericTiles.Select(t => TiledKernelName(op, 2, t)), SplitReduceKernel],
        3 => [TiledKernelName(op, 3, SpecialisedTiles[0]), SplitReduceKernel],
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, $"convolutions have versions {string.Join(", ", Versions)}"),
    };

    /// <summary>The kernel of <paramref name="op"/> at a tiled version: the fused op shares the forward kernels.</summary>
    public static string TiledKernelName(string op, int version, ConvTile tile)
    {
        string family = op == BiasReluForward ? Forward : op;
        return version switch
        {
            2 => $"{family}_kernel2_{tile.Suffix}",
            3 => $"{family}_kernel3",
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "versions 2 and 3 are tiled"),
        };
    }
}
