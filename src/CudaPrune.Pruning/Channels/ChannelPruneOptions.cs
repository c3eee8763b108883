using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Pruning.Channels;

/// <summary>Settings of a channel-pruning call (<see cref="ChannelPruner"/>).</summary>
public sealed record ChannelPruneOptions
{
    public ChannelCriterion Criterion { get; init; } = ChannelCriterion.L1;

    /// <summary>A ratio of the prunable channels to remove, or a fraction of FLOPs/parameters to keep.</summary>
    public required PruneTarget Target { get; init; }

    /// <summary>Rank all groups' channels together (scores normalised per group) instead of the same ratio per group.</summary>
    public bool Global { get; init; }

    /// <summary>Keep channel counts multiples of this (GPU tiles make odd counts slow); 1 = any count.</summary>
    public int RoundTo { get; init; } = 1;

    /// <summary>Leave the group of the first conv's outputs whole (in a ResNet: the whole first stage's residual group).</summary>
    public bool ProtectFirst { get; init; }

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
