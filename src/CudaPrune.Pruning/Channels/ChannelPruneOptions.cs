using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Pruning.Channels;

/// <summary>Settings of a channel-pruning call (<see cref="ChannelPruner"/>).</summary>
public sealed record ChannelPruneOptions
{
    public ChannelCriterion Criterion { get; init; } = ChannelCriterion.L1;

    /// <summary>A ratio of the prunable channels to remove, or a fraction of FLOPs/parameters to keep.</summary>
    public required PruneTarget Target { get; init; }

    /// <summary>The same ratio in every group (default), or one ranking of all groups' channels.</summary>
    public ChannelRanking Ranking { get; init; } = ChannelRanking.Uniform;

    /// <summary>
    /// Every pruned group keeps a multiple of this many channels (the nearest, at least one multiple; a
    /// group smaller than it stays whole). GPU tiles make odd counts slow: our conv kernels' tile rows step
    /// by <c>ConvTile.RowStep</c> (4). 1 = any count.
    /// </summary>
    public int RoundTo { get; init; } = 1;

    /// <summary>
    /// Leave the stem whole: the group of the first conv's output channels, and so everything tied to it
    /// by the dependency graph (in a ResNet that is the first stage's whole residual stream: the stem's
    /// output is summed with every stage-1 block's output). On by default, as Li et al. 2017 prune their
    /// ResNets (only each block's inner channels; the stem and the residual stream are left alone): the stem
    /// has few channels and little of the FLOPs, and every later layer reads what it writes.
    /// </summary>
    public bool ProtectStem { get; init; } = true;

    /// <summary>Layer names (or containers, or block parts) whose groups are left whole.</summary>
    public IReadOnlyList<string> Protect { get; init; } = [];

    /// <summary>Training batches for the Taylor criterion.</summary>
    public CalibrationSet? Calibration { get; init; }

    /// <summary>Seed of the random criterion.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Free the source model's tensors once the compacted model exists.</summary>
    public bool DisposeSource { get; init; } = true;

    /// <summary>How far beyond the reachable range a FLOPs/parameter target may lie (see <see cref="PruneTarget.DefaultTolerance"/>).</summary>
    public double Tolerance { get; init; } = PruneTarget.DefaultTolerance;
}
