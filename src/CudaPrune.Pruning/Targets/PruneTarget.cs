using System.Globalization;
using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Targets;

/// <summary>What a target measures.</summary>
public enum PruneTargetKind
{
    /// <summary>Remove this fraction of the prunable channels (channel pruning) or of the removable layers (layer pruning).</summary>
    Ratio,
    /// <summary>Keep this fraction of the model's FLOPs (measured with <see cref="ModelStats"/>).</summary>
    Flops,
    /// <summary>Keep this fraction of the model's trainable parameters.</summary>
    Params,
}

/// <summary>How much to prune: a ratio to remove, or a fraction of FLOPs or parameters to keep (both in (0, 1)).</summary>
public sealed record PruneTarget(PruneTargetKind Kind, double Value)
{
    /// <summary>
    /// How far outside the range a pruning method can reach a FLOPs or parameter target may lie and still
    /// be served by the nearest result, in fractions of the ORIGINAL model (0.05 = 5 percentage points);
    /// further out it is an error. Inside the range the result is the one closest to the target: channel
    /// pruning lands within a fraction of a percent, layer pruning within half a layer's share (a resnet20
    /// block is ~11.5 % of its FLOPs, so 0.5 gives 53.9 %).
    /// </summary>
    public const double DefaultTolerance = 0.05;

    public static PruneTarget Ratio(double fractionToRemove) => new(PruneTargetKind.Ratio, fractionToRemove);
    public static PruneTarget Flops(double fractionToKeep) => new(PruneTargetKind.Flops, fractionToKeep);
    public static PruneTarget Params(double fractionToKeep) => new(PruneTargetKind.Params, fractionToKeep);

    /// <summary>The command-line option that sets this kind of target.</summary>
    public string OptionName => Kind switch
    {
        PruneTargetKind.Ratio => "--ratio",
        PruneTargetKind.Flops => "--target-flops",
        _ => "--target-params",
    };

    /// <summary>Throws unless the value is in the open interval (0, 1).</summary>
    public PruneTarget Validated()
    {
        if (!double.IsFinite(Value) || Value <= 0 || Value >= 1)
            throw new ArgumentException(Kind == PruneTargetKind.Ratio
                ? $"{OptionName} must be in (0, 1) (the fraction to remove), got {Format(Value)}"
                : $"{OptionName} must be in (0, 1) (the fraction of the model's {Kind.ToString().ToLowerInvariant()} to keep), got {Format(Value)}");
        return this;
    }

    /// <summary>FLOPs or parameters of <paramref name="stats"/>, for a FLOPs or parameter target.</summary>
    public long Measure(ModelStats stats) => Kind switch
    {
        PruneTargetKind.Flops => stats.Flops,
        PruneTargetKind.Params => stats.Params,
        _ => throw new InvalidOperationException("a ratio target measures no cost"),
    };

    /// <summary>"ratio=0.5", "flops=0.5", "params=0.3": the form stored in checkpoint metadata.</summary>
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}={Format(Value)}";

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
