using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment;

/// <summary>How a model of the experiment was made.</summary>
public enum VariantMethod
{
    Baseline,
    /// <summary>Whole blocks or layers removed.</summary>
    Layer,
    /// <summary>Channels (filters) removed.</summary>
    Channel,
    /// <summary>Channels removed until the model's measured latency matched the layer-pruned model's (iso-latency, at <see cref="VariantResult.IsoBatch"/>).</summary>
    IsoLatency,
}

/// <summary>One model of the experiment: how it was made, its size and cost, its accuracy before and after fine-tuning, its latency profile.</summary>
/// <param name="Budget">The FLOPs budget asked (fraction of the baseline's to keep); null for the baseline.</param>
/// <param name="Criterion">The pruning criterion's name; "" for the baseline.</param>
/// <param name="FlopsKept">FLOPs of this model ÷ the baseline's.</param>
/// <param name="AccuracyBefore">Test accuracy right after pruning (the baseline's own for the baseline).</param>
/// <param name="AccuracyAfter">Test accuracy after fine-tuning: the model that is profiled.</param>
/// <param name="Checkpoint">Where the evaluated model was saved (under the run's models/ folder).</param>
/// <param name="Notes">What pruning reported (blocks removed, layers rebuilt).</param>
/// <param name="Profile">Latency at every batch size, measured on the evaluated model.</param>
public sealed record VariantResult(
    VariantMethod Method,
    double? Budget,
    string Criterion,
    long Params,
    long Flops,
    double FlopsKept,
    double ParamsKept,
    double AccuracyBefore,
    double AccuracyAfter,
    int TestImages,
    string Checkpoint,
    IReadOnlyList<string> Notes,
    ModelProfile Profile)
{
    /// <summary>"baseline", "layer", "channel", "iso-latency".</summary>
    public string MethodName => Method == VariantMethod.IsoLatency ? "iso-latency" : Method.ToString().ToLowerInvariant();

    /// <summary>The seed of its training, pruning calibration and fine-tuning (a loaded baseline serves every seed).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Per test image, in the test set's order: whether the evaluated model answered right (for McNemar and the paired bootstrap).</summary>
    public IReadOnlyList<bool> Correct { get; init; } = [];

    /// <summary>Residual blocks per stage ("3-1-3", <see cref="Pruning.Layers.DepthProfile"/>).</summary>
    public string DepthProfile { get; init; } = "";

    /// <summary>
    /// "" for the experiment's own models; for a control, what it controls for: "scratch" (the pruned architecture
    /// trained from scratch, Liu et al. 2019) or "criteria l1/l1" (both methods with one criterion).
    /// </summary>
    public string Control { get; init; } = "";

    /// <summary>Latency with batch norms folded into the convolutions (deployment mode); null when not measured.</summary>
    public ModelProfile? FoldedProfile { get; init; }

    /// <summary>For <see cref="VariantMethod.IsoLatency"/>: the batch size whose latency was matched.</summary>
    public int? IsoBatch { get; init; }

    /// <summary>"baseline", "layer 0.50", "channel 0.50", "iso-latency b1 0.50" (with " s2" for every seed but the first).</summary>
    public string Label => (Control.Length > 0 ? Control + " " : "") + (Budget is double b
        ? FormattableString.Invariant($"{MethodName}{(IsoBatch is int ib ? $" b{ib}" : "")} {b:0.00}") : MethodName) + SeedSuffix;

    /// <summary>" s{seed}" when the run has several seeds and this is not the first, else "".</summary>
    public string SeedSuffix { get; init; } = "";

    /// <summary>Binomial standard error of <see cref="AccuracyAfter"/> on <see cref="TestImages"/> images.</summary>
    public double StandardError => Math.Sqrt(AccuracyAfter * (1 - AccuracyAfter) / TestImages);
}
