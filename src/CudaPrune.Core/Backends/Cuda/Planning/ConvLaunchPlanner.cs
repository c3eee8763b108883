using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda.Planning;

/// <summary>
/// Chooses tile and split-K for each convolution pass so that pruned channel counts are not padded up to a
/// coarse tile and small layers fill the device: every tile of the version is tried with the splits that
/// give it one wave of blocks (and two, four, eight), and among the launches that put a block on every SM
/// (for layers above <see cref="FillWaveAboveFlops"/>) and cost within <see cref="EstimateTolerance"/> of the
/// cheapest under a small cost model, the one computing the least padding wins.
/// </summary>
/// <remarks>
/// The cost model, per SM (the busiest one; blocks spread evenly):
/// <code>
/// kernel  = max(throughput, latency)
///   throughput = blocks per SM · BM·BN·chunk / intensity / (MACs per ns · lanes filled)
///   latency    = rounds of resident blocks · k steps per block · step latency
/// split-K = one more launch + writing and reading the partial sums once
/// </code>
/// intensity = min(1, (BM·BN / (BM + BN)) / 32): a tile whose loads per multiply-add are higher than a
/// 64x64 tile's pays for them; lanes filled = min(1, resident threads / 128). The constants
/// (<see cref="ConvPlanDevice"/>) are H100-class estimates, not measurements: the tile choice can be forced
/// (<see cref="Plan"/>'s overrides) and every version compared with `bench kernels`.
/// </remarks>
public sealed class ConvLaunchPlanner(ConvPlanDevice device)
{
    public const int MaxSplits = 256;

    /// <summary>The largest split-K workspace the planner asks for (256 MiB of partial sums).</summary>
    public const long MaxWorkspaceFloats = 1L << 26;

    /// <summary>Estimates this close to the cheapest count as equal: the cost model is no finer.</summary>
    public const double EstimateTolerance = 0.10;

    /// <summary>Layers above this many FLOPs get at least one block per SM whenever a tile and split-K can give it.</summary>
    public const double FillWaveAboveFlops = 1e6;

    // Resident blocks per SM on sm_80/sm_90: thread, block, register and shared-memory limits.
    private const int ThreadsPerSm = 2048, BlocksPerSm = 32, RegistersPerSm = 65536, SharedBytesPerSm = 227 * 1024;
    private const double BytesPerNs = 3000; // HBM3-class bandwidth, for the split-K partial sums

    public ConvPlanDevice Device { get; } = device;

    /// <summary>
    /// The launch of <paramref name="op"/> at <paramref name="g"/> with kernel <paramref name="version"/>;
    /// <paramref name="tile"/> and <paramref name="splits"/> force a choice (for checks and benchmarks).
    /// </summary>
    public ConvLaunchPlan Plan(string op, Conv2dGeometry g, int version, ConvTile? tile = null, int? splits = null)
    {
        var gemm = ConvGemm.Of(op, g);
        if (version == 1) return Naive(op, gemm);
        var tiles = ConvKernels.TilesOf(version);
        if (tile is { } forced && !tiles.Contains(forced))
            throw new ArgumentException($"{op} version {version} has no tile {forced}; tiles: {string.Join(", ", tiles)}", nameof(tile));
        var plans = new List<ConvLaunchPlan>();
        foreach (var candidate in tile is { } t ? [t] : tiles)
            foreach (int requested in splits is { } s ? [s] : SplitCandidates(candidate, gemm))
                plans.Add(Tiled(op, version, gemm, candidate, requested));
        return Choose(plans);
    }

    /// <summary>Rows per split for <paramref name="splits"/> requested splits (a multiple of 8), and the splits that really cover the reduction with it.</summary>
    public static (int Chunk, int Splits) SplitReduction(long reduction, int splits)
    {
        if (splits < 1) throw new ArgumentOutOfRangeException(nameof(splits), splits, "at least one split");
        long perSplit = (reduction + splits - 1) / splits;
        long chunk = Math.Max(ConvTile.KStep, (perSplit + ConvTile.KStep - 1) / ConvTile.KStep * ConvTile.KStep);
        return ((int)Math.Min(chunk, int.MaxValue), (int)Math.Max(1, (reduction + chunk - 1) / chunk));
    }

    // One split; and the splits that give the tile grid one wave of blocks, and two, four and eight times that.
    private IEnumerable<int> SplitCandidates(ConvTile tile, ConvGemm gemm)
    {
        yield return 1;
        long tileBlocks = TileBlocks(tile, gemm);
        // At most one k step per split, MaxSplits, and a workspace within MaxWorkspaceFloats.
        long most = Math.Min(Math.Min(MaxSplits, Ceil(gemm.K, ConvTile.KStep)), Math.Max(1, MaxWorkspaceFloats / gemm.Outputs));
        for (long wave = (Device.Multiprocessors + tileBlocks - 1) / tileBlocks, times = 1; times <= 8; times *= 2)
            if (wave * times > 1 && wave * times <= most) yield return (int)(wave * times);
            else if (wave * times > most && most > 1) { yield return (int)most; yield break; }
    }

    private ConvLaunchPlan Tiled(string op, int version, ConvGemm gemm, ConvTile tile, int requestedSplits)
    {
        var (chunk, splits) = requestedSplits <= 1 ? ((int)Math.Min(RoundUp(gemm.K), int.MaxValue), 1) : SplitReduction(gemm.K, requestedSplits);
        var grid = new Dim3((uint)Ceil(gemm.N, tile.Columns), (uint)Ceil(gemm.M, tile.Rows), (uint)splits);
        double rows = Ceil(gemm.M, tile.Rows) * (double)tile.Rows, columns = Ceil(gemm.N, tile.Columns) * (double)tile.Columns;
        double k = (splits - 1) * (double)chunk + RoundUp(gemm.K - (splits - 1) * (long)chunk);
        double computed = rows * columns * k;
        return new ConvLaunchPlan(op, version, gemm, tile, splits, chunk, grid, tile.Threads, computed, EstimateNs(tile, grid.Total, chunk, splits, gemm));
    }

    private double EstimateNs(ConvTile tile, long blocks, int chunk, int splits, ConvGemm gemm)
    {
        int sms = Device.Multiprocessors;
        long perSm = (blocks + sms - 1) / sms;
        long resident = Resident(tile);
        long concurrent = Math.Min(perSm, resident), rounds = (perSm + resident - 1) / resident;
        double intensity = Math.Min(1.0, tile.Rows * (double)tile.Columns / (tile.Rows + tile.Columns) / 32.0);
        double lanes = Math.Min(1.0, concurrent * tile.Threads / 128.0);
        double throughput = perSm * (double)tile.Rows * tile.Columns * RoundUp(chunk) / intensity / (Device.MacsPerSmPerNs * lanes);
        double latency = rounds * (double)Ceil(chunk, ConvTile.KStep) * Device.StepLatencyNs;
        double split = splits > 1 ? Device.ExtraLaunchNs + 2.0 * 4 * splits * gemm.Outputs / BytesPerNs : 0;
        return Math.Max(throughput, latency) + split;
    }

    private static long Resident(ConvTile tile)
    {
        int registersPerThread = tile.ThreadRows == 8 ? 128 : 96; // estimates: accumulators, fragments, loader registers
        long byThreads = ThreadsPerSm / tile.Threads;
        long byRegisters = RegistersPerSm / (tile.Threads * registersPerThread);
        long byShared = SharedBytesPerSm / (tile.SharedBytes + 1024);
        return Math.Max(1, Math.Min(Math.Min(BlocksPerSm, byThreads), Math.Min(byRegisters, byShared)));
    }

    // Launches that put a block on every SM, when any does and the layer is above FillWaveAboveFlops; among
    // them those within EstimateTolerance of the cheapest estimate (the model is not finer than that); among
    // those the one that computes the least padding, then fewer splits, then the larger tile.
    private ConvLaunchPlan Choose(List<ConvLaunchPlan> plans)
    {
        IEnumerable<ConvLaunchPlan> pool = plans;
        if (2 * plans[0].Gemm.UsefulMacs > FillWaveAboveFlops && plans.Any(Fills)) pool = plans.Where(Fills);
        double cheapest = pool.Min(p => p.EstimatedNs);
        return pool.Where(p => p.EstimatedNs <= cheapest * (1 + EstimateTolerance))
            .OrderBy(p => p.ComputedMacs)
            .ThenBy(p => p.Splits)
            .ThenByDescending(p => p.Tile!.Value.Rows * p.Tile.Value.Columns)
            .ThenBy(p => p.EstimatedNs)
            .First();
    }

    private bool Fills(ConvLaunchPlan p) => p.Blocks >= Device.Multiprocessors;

    // Version 1: one thread per output (or per input / weight element), grid-stride over one wave.
    private ConvLaunchPlan Naive(string op, ConvGemm gemm)
    {
        int threads = ConvKernels.NaiveBlockSize;
        long wave = (long)Device.Multiprocessors * (ThreadsPerSm / threads);
        var grid = new Dim3((uint)Math.Max(1, Math.Min(Ceil(gemm.Outputs, threads), wave)));
        return new ConvLaunchPlan(op, 1, gemm, null, 1, 0, grid, threads, gemm.UsefulMacs, double.NaN);
    }

    private static long TileBlocks(ConvTile tile, ConvGemm gemm) => Ceil(gemm.M, tile.Rows) * Ceil(gemm.N, tile.Columns);

    private static long Ceil(long a, long b) => (a + b - 1) / b;

    private static long RoundUp(long k) => Ceil(Math.Max(k, 1), ConvTile.KStep) * ConvTile.KStep;
}
