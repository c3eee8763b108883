namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// The ops, versions, tiles and launch heuristics of kernels/conv2d.cu: version 1 is the naive direct
/// convolution, version 2 the implicit GEMM on <see cref="ConvTile"/>s.
/// </summary>
public static class ConvKernels
{
    public const string Module = "conv2d";

    // The KernelVersions keys; each op's kernels are named <op>_kernel1 and <op>_kernel2_<tile>.
    public const string Forward = "conv2d_forward";
    public const string BiasReluForward = "conv2d_bias_relu_forward";
    public const string BackwardData = "conv2d_backward_data";
    public const string BackwardWeight = "conv2d_backward_weight";

    public const string WeightReduceKernel = "conv2d_backward_weight_reduce_kernel1";

    public static IReadOnlyList<int> Versions { get; } = [1, 2];

    public const int DefaultVersion = 2;

    /// <summary>Threads per block of the naive (version 1) and reduction kernels unless overridden.</summary>
    public const int NaiveBlockSize = 256;

    /// <summary>Largest first: 128x128 (8x8 per thread), 64x128, 32x128 (8x8), 16x128 (4x8).</summary>
    public static IReadOnlyList<ConvTile> Tiles { get; } = [new(128, 8), new(64, 8), new(32, 8), new(16, 4)];

    /// <summary>Most reduction splits of the backward-weight kernel, and the fewest reduction rows a split gets.</summary>
    public const int MaxWeightSplits = 256;
    public const int MinRowsPerSplit = 256;

    /// <summary>
    /// The tile for a GEMM of <paramref name="rows"/> x <paramref name="columns"/>: the smallest that covers
    /// the rows (channel counts are powers of two in the models, so it wastes nothing there); then, when
    /// <paramref name="fillDevice"/> and the grid would leave SMs idle, smaller ones until it fills them.
    /// </summary>
    public static ConvTile ChooseTile(int rows, long columns, int multiprocessors, bool fillDevice)
    {
        int i = 0;
        while (i + 1 < Tiles.Count && Tiles[i + 1].Rows >= rows) i++;
        if (fillDevice)
            while (i + 1 < Tiles.Count && Blocks(Tiles[i], rows, columns) < multiprocessors) i++;
        return Tiles[i];
    }

    /// <summary>Blocks of one split of the tile grid.</summary>
    public static long Blocks(ConvTile tile, int rows, long columns) =>
        (rows + (long)tile.Rows - 1) / tile.Rows * ((columns + ConvTile.Columns - 1) / ConvTile.Columns);

    /// <summary>
    /// Splits of the backward-weight reduction (N·OH·OW rows) so the grid has about two blocks per SM,
    /// each split keeping at least <see cref="MinRowsPerSplit"/> rows.
    /// </summary>
    public static int ChooseWeightSplits(long tileBlocks, long reductionRows, int multiprocessors)
    {
        long wanted = (2L * multiprocessors + tileBlocks - 1) / tileBlocks;
        long most = Math.Min(MaxWeightSplits, reductionRows / MinRowsPerSplit);
        return (int)Math.Max(1, Math.Min(wanted, most));
    }

    /// <summary>
    /// Rows per split for <paramref name="splits"/> requested splits (a multiple of the tile's k step of 8),
    /// and the number of splits that really covers the reduction with it.
    /// </summary>
    public static (int Chunk, int Splits) SplitReduction(long reductionRows, int splits)
    {
        if (splits < 1) throw new ArgumentOutOfRangeException(nameof(splits), splits, "at least one split");
        long perSplit = (reductionRows + splits - 1) / splits;
        long chunk = Math.Max(8, (perSplit + 7) / 8 * 8);
        return ((int)chunk, (int)Math.Max(1, (reductionRows + chunk - 1) / chunk));
    }
}
