namespace CudaPrune.Profiling.Planning;

/// <summary>The planned conv launches of one model at one batch size, in forward order, and their totals.</summary>
public sealed record BatchLaunchPlan(int Batch, IReadOnlyList<ConvLaunchRow> Launches)
{
    /// <summary>
    /// The launches that <see cref="Underfilled"/> looks at: below this many FLOPs a launch costs about its
    /// launch latency whatever its grid, so leaving SMs idle loses nothing worth counting.
    /// </summary>
    public const double SignificantFlops = 1e6;

    public double UsefulMacs => Launches.Sum(l => l.UsefulMacs);

    public double ComputedMacs => Launches.Sum(l => l.ComputedMacs);

    /// <summary>Σ useful MACs ÷ Σ computed MACs over every conv launch: the share of the kernels' work the model needs.</summary>
    public double UsefulMacFraction => ComputedMacs > 0 ? UsefulMacs / ComputedMacs : 1;

    /// <summary>The launches of more than <see cref="SignificantFlops"/> whose grid has fewer blocks than the device has SMs.</summary>
    public IReadOnlyList<ConvLaunchRow> Underfilled =>
        [.. Launches.Where(l => l.Flops > SignificantFlops && l.Blocks < l.Multiprocessors)];
}
