using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Pruning.Layers;

/// <summary>Settings of a layer-pruning call (<see cref="LayerPruner"/>).</summary>
public sealed record LayerPruneOptions
{
    public LayerCriterion Criterion { get; init; } = LayerCriterion.L1;

    /// <summary>A ratio of the removable blocks/layers to remove, or a fraction of FLOPs/parameters to keep.</summary>
    public required PruneTarget Target { get; init; }

    /// <summary>Also let a ResNet's downsampling blocks go (each replaced by its projection shortcut conv + BN + ReLU).</summary>
    public bool AllowDownsample { get; init; }

    /// <summary>
    /// A ResNet stage keeps at least this many residual blocks (default 1: layer pruning never empties a stage,
    /// which would leave its resolution and width to a lone shortcut conv or nothing); 0 lifts the limit.
    /// </summary>
    public int MinBlocksPerStage { get; init; } = 1;

    /// <summary>In a plain network, never remove the first conv.</summary>
    public bool ProtectFirst { get; init; }

    /// <summary>Layer names (or containers, or block parts) that are never removed.</summary>
    public IReadOnlyList<string> Protect { get; init; } = [];

    /// <summary>Training batches for the Taylor and output-change criteria.</summary>
    public CalibrationSet? Calibration { get; init; }

    /// <summary>Seed of the random criterion and of the initial values of rebuilt layers.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Free the source model's tensors once the compacted model exists.</summary>
    public bool DisposeSource { get; init; } = true;

    /// <summary>How far beyond the reachable range a FLOPs/parameter target may lie (see <see cref="PruneTarget.DefaultTolerance"/>).</summary>
    public double Tolerance { get; init; } = PruneTarget.DefaultTolerance;
}
