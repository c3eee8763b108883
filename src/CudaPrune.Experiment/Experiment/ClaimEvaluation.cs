using CudaPrune.Profiling.Latency;

using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment;

/// <summary>Which way one measured difference points.</summary>
public enum Difference
{
    /// <summary>The ranges overlap (latency: p10–p90; accuracy: within one standard error): no difference can be claimed.</summary>
    WithinNoise,
    /// <summary>Beyond the noise, the way the claim says.</summary>
    FavoursClaim,
    /// <summary>Beyond the noise, the other way.</summary>
    AgainstClaim,
}

/// <summary>Whether the measurements at one batch size support the claim.</summary>
public enum ClaimVerdict
{
    /// <summary>At every budget, layer pruning is faster and channel pruning more accurate, both beyond the noise.</summary>
    Supported,
    /// <summary>Nothing contradicts the claim beyond the noise, and some of it is shown beyond the noise.</summary>
    PartlySupported,
    /// <summary>Every difference is within the noise: these measurements cannot tell.</summary>
    WithinNoise,
    /// <summary>At some budget, channel pruning is faster or layer pruning more accurate, beyond the noise.</summary>
    NotSupported,
}

/// <summary>Layer- against channel-pruned model at one budget and batch size.</summary>
/// <param name="Mode">"eager" (one launch per kernel) or "graph" (CUDA graph replay).</param>
/// <param name="Speed">Layer pruning faster beyond the noise: <see cref="Difference.FavoursClaim"/>.</param>
/// <param name="Accuracy">Channel pruning more accurate beyond one standard error: <see cref="Difference.FavoursClaim"/>.</param>
/// <param name="StandardError">Standard error of the accuracy difference (two binomial proportions on the same number of test images).</param>
public sealed record BudgetComparison(double Budget, int Batch, string Mode, SampleStats LayerLatency, SampleStats ChannelLatency, Difference Speed,
    double LayerAccuracy, double ChannelAccuracy, double StandardError, Difference Accuracy);

/// <summary>The claim's verdict at one batch size (and mode), with the comparisons it rests on.</summary>
public sealed record BatchClaim(int Batch, string Mode, IReadOnlyList<BudgetComparison> Comparisons, ClaimVerdict Verdict);

/// <summary>
/// Tests the claim "layer pruning speeds inference up more, channel pruning keeps more accuracy" on
/// matched-FLOPs pairs, per batch size. Latencies differ beyond the noise only when their p10–p90
/// ranges do not overlap; accuracies only when they differ by more than one standard error of the
/// difference, √(p₁(1−p₁)/n + p₂(1−p₂)/n) on n test images.
/// </summary>
public static class ClaimEvaluation
{
    public const string Claim = "layer pruning speeds inference up more than channel pruning at the same FLOPs, and channel pruning keeps more accuracy";

    /// <summary>Layer faster than channel beyond the noise favours the claim.</summary>
    public static Difference CompareSpeed(SampleStats layer, SampleStats channel) =>
        layer.Overlaps(channel) ? Difference.WithinNoise
        : layer.Median < channel.Median ? Difference.FavoursClaim : Difference.AgainstClaim;

    /// <summary>Channel more accurate than layer by more than one standard error favours the claim.</summary>
    public static (Difference Difference, double StandardError) CompareAccuracy(double layer, double channel, int testImages)
    {
        if (testImages < 1) throw new ArgumentOutOfRangeException(nameof(testImages), testImages, "accuracy needs at least one test image");
        double se = Math.Sqrt((layer * (1 - layer) + channel * (1 - channel)) / testImages);
        double diff = channel - layer;
        var d = Math.Abs(diff) <= se ? Difference.WithinNoise : diff > 0 ? Difference.FavoursClaim : Difference.AgainstClaim;
        return (d, se);
    }

    /// <summary>The verdict over every comparison of one batch size.</summary>
    public static ClaimVerdict Verdict(IReadOnlyList<BudgetComparison> comparisons)
    {
        if (comparisons.Count == 0) throw new ArgumentException("no matched pair to judge the claim on");
        var all = comparisons.SelectMany(c => new[] { c.Speed, c.Accuracy }).ToList();
        if (all.Contains(Difference.AgainstClaim)) return ClaimVerdict.NotSupported;
        if (all.All(d => d == Difference.FavoursClaim)) return ClaimVerdict.Supported;
        return all.Contains(Difference.FavoursClaim) ? ClaimVerdict.PartlySupported : ClaimVerdict.WithinNoise;
    }

    /// <summary>One claim per batch size and timing mode (eager always; graph where every model has graph timings).</summary>
    public static IReadOnlyList<BatchClaim> Evaluate(IReadOnlyList<(VariantResult Layer, VariantResult Channel)> pairs, IReadOnlyList<int> batches)
    {
        var claims = new List<BatchClaim>();
        if (pairs.Count == 0) return claims;
        foreach (int batch in batches)
            foreach (var mode in new[] { "eager", "graph" })
            {
                var comparisons = new List<BudgetComparison>();
                foreach (var (layer, channel) in pairs)
                {
                    var l = Latency(layer, batch, mode);
                    var c = Latency(channel, batch, mode);
                    if (l is null || c is null) continue;
                    var (accuracy, se) = CompareAccuracy(layer.AccuracyAfter, channel.AccuracyAfter, Math.Min(layer.TestImages, channel.TestImages));
                    comparisons.Add(new BudgetComparison(layer.Budget ?? double.NaN, batch, mode, l, c, CompareSpeed(l, c),
                        layer.AccuracyAfter, channel.AccuracyAfter, se, accuracy));
                }
                if (comparisons.Count == pairs.Count) claims.Add(new BatchClaim(batch, mode, comparisons, Verdict(comparisons)));
            }
        return claims;
    }

    /// <summary>The latency of <paramref name="v"/> at a batch size in a mode; null when not measured.</summary>
    public static SampleStats? Latency(VariantResult v, int batch, string mode)
    {
        var b = v.Profile.Batches.FirstOrDefault(x => x.Batch == batch);
        return mode == "graph" ? b?.Graph : b?.EndToEnd;
    }

    public static string Describe(ClaimVerdict v) => v switch
    {
        ClaimVerdict.Supported => "supported",
        ClaimVerdict.PartlySupported => "partly supported (nothing against it beyond the noise, some of it within the noise)",
        ClaimVerdict.WithinNoise => "not shown: every difference is within the noise",
        _ => "not supported (contradicted beyond the noise)",
    };
}
