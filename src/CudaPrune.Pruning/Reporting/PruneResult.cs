using CudaPrune.Core.Models;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Targets;
using CudaPrune.Pruning.Verification;

namespace CudaPrune.Pruning.Reporting;

/// <summary>
/// What a pruning call made: the new, compacted model (owned by the caller), its cost before and after,
/// the per-layer table, the compaction plan (for the optimizer's momentum) and the equivalence mask.
/// </summary>
public sealed record PruneResult
{
    /// <summary>The compacted model, on the source model's backend.</summary>
    public required Model Model { get; init; }

    /// <summary>"channel" or "layer".</summary>
    public required string Method { get; init; }

    /// <summary>The criterion's command-line name ("l1", "output-change", ...).</summary>
    public required string Criterion { get; init; }

    public required PruneTarget Target { get; init; }

    public required ModelStats Before { get; init; }

    public required ModelStats After { get; init; }

    public required IReadOnlyList<LayerChange> Layers { get; init; }

    /// <summary>Where each new tensor came from; pass it to <see cref="Compactor.CompactMomentum"/> or <see cref="Compactor.Rebind"/>.</summary>
    public required CompactionPlan Compaction { get; init; }

    public required MemoryReport Memory { get; init; }

    /// <summary>What the reader must know: layers rebuilt and re-initialised, groups cut, blocks replaced.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>
    /// The zeroing that makes the ORIGINAL model compute the pruned model's function (see
    /// <see cref="EquivalenceCheck"/>); null when none exists (a layer was rebuilt).
    /// </summary>
    public ZeroMask? Mask { get; init; }

    /// <summary>Why <see cref="Mask"/> is null.</summary>
    public string? MaskUnavailableReason { get; init; }

    /// <summary>FLOPs after / before.</summary>
    public double FlopsKept => (double)After.Flops / Before.Flops;

    /// <summary>Parameters after / before.</summary>
    public double ParamsKept => (double)After.Params / Before.Params;
}
