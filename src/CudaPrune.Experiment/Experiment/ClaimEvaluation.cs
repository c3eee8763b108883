using CudaPrune.Experiment.Statistics;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment;

/// <summary>Which way one measured difference points.</summary>
public enum Difference
{
    /// <summary>The 95 % interval holds "no difference" (0 points, a speed ratio of 1): no difference can be claimed.</summary>
    WithinNoise,
    /// <summary>The whole interval lies the way the claim says.</summary>
    FavoursClaim,
    /// <summary>The whole interval lies the other way.</summary>
    AgainstClaim,
}

/// <summary>One half of the claim (speed, or accuracy) over the budgets.</summary>
public enum ClaimVerdict
{
    /// <summary>At every budget, beyond the noise the way the claim says.</summary>
    Supported,
    /// <summary>At some budgets beyond the noise the way the claim says, at none the other way.</summary>
    PartlySupported,
    /// <summary>At every budget within the noise: these measurements cannot tell.</summary>
    WithinNoise,
    /// <summary>Beyond the noise both ways, at different budgets: the answer depends on the budget.</summary>
    Mixed,
    /// <summary>At some budgets beyond the noise against the claim, at none for it.</summary>
    NotSupported,
}

/// <summary>One (layer, channel) pair of models — the same budget and seed — compared on the same test images and machine.</summary>
/// <param name="McNemarP">Exact McNemar p-value of the two models' per-image answers.</param>
/// <param name="AccuracyDifference">accuracy(channel) − accuracy(layer), with its paired bootstrap 95 % interval.</param>
/// <param name="SpeedupRatios">Per batch size and mode: median latency(channel) ÷ median latency(layer) (above 1: layer faster), with its bootstrap interval.</param>
public sealed record PairStatistics(double Budget, int Seed, double McNemarP, Interval AccuracyDifference,
    IReadOnlyList<(int Batch, string Mode, Interval Ratio)> SpeedupRatios);

/// <summary>
/// Accuracy at equal measured latency: the layer-pruned model against the channel-pruned model whose latency at
/// <paramref name="Batch"/> was matched to it (before fine-tuning, on the same machine).
/// </summary>
/// <param name="AccuracyDifference">accuracy(iso-latency channel) − accuracy(layer), paired bootstrap interval.</param>
/// <param name="LatencyRatio">The two models' measured eager latencies at <paramref name="Batch"/> in the final profile: channel ÷ layer (1 = matched).</param>
public sealed record IsoLatencyStatistics(double Budget, int Seed, int Batch, double LayerAccuracy, double ChannelAccuracy, double ChannelFlopsKept,
    double McNemarP, Interval AccuracyDifference, double? LatencyRatio);

/// <summary>
/// A control against the model it controls: the scratch-trained architecture against its pruned and fine-tuned
/// twin, or a criterion-matched channel-pruned model against its layer-pruned partner.
/// </summary>
/// <param name="AccuracyDifference">accuracy(control) − accuracy(reference), paired bootstrap interval.</param>
/// <param name="SpeedupRatios">For criterion controls: latency(channel) ÷ latency(layer) per batch size (eager).</param>
public sealed record ControlStatistics(string Control, double Budget, string Method, string ControlLabel, string ReferenceLabel,
    double ControlAccuracy, double ReferenceAccuracy, double McNemarP, Interval AccuracyDifference, IReadOnlyList<(int Batch, double Ratio)> SpeedupRatios);

/// <summary>One budget's outcome for one half of the claim, pooled over the seeds.</summary>
/// <param name="Effect">Speed: the geometric mean over seeds of latency(channel) ÷ latency(layer); accuracy: the mean over seeds of accuracy(channel) − accuracy(layer); with a 95 % interval.</param>
public sealed record BudgetVerdict(double Budget, Interval Effect, Difference Direction, int Seeds);

/// <summary>The speed half of the claim at one batch size and timing mode.</summary>
/// <param name="Effect">Geometric mean over budgets of the pooled speed ratio (above 1: layer pruning faster).</param>
public sealed record BatchClaim(int Batch, string Mode, IReadOnlyList<BudgetVerdict> Budgets, ClaimVerdict Verdict, double Effect);

/// <summary>The accuracy half of the claim (batch size does not enter).</summary>
/// <param name="Effect">Mean over budgets of accuracy(channel) − accuracy(layer).</param>
public sealed record AccuracyClaim(IReadOnlyList<BudgetVerdict> Budgets, ClaimVerdict Verdict, double Effect);

/// <summary>
/// Tests the claim "layer pruning speeds inference up more, channel pruning keeps more accuracy" on matched-FLOPs
/// pairs, its two halves apart, each with an effect size and a 95 % interval per budget:
/// <list type="bullet">
/// <item>accuracy: per pair, McNemar's exact test on the per-image answers and a paired bootstrap interval of the
/// difference; per budget the mean difference over seeds, its interval resampling every seed's test images;</item>
/// <item>speed, per batch size and mode: per pair the ratio of median latencies with a bootstrap interval over the
/// timing runs; per budget the geometric mean over seeds, its interval resampling every seed's runs.</item>
/// </list>
/// A budget counts for or against only when its whole interval lies one side of "no difference"; the verdict says
/// at how many budgets (no "any single comparison decides" rule: with several budgets that rule alone gives many
/// spurious verdicts).
/// </summary>
public static class ClaimEvaluation
{
    public const string Claim = "layer pruning speeds inference up more than channel pruning at the same FLOPs, and channel pruning keeps more accuracy";

    /// <summary>Bootstrap seed and resamples of every interval of a report (fixed: a report is reproducible).</summary>
    public static Bootstrap Bootstrap { get; } = new(Bootstrap.DefaultResamples, seed: 20261204);

    /// <summary>Where an interval lies against <paramref name="none"/> ("no difference"); <paramref name="claimAbove"/>: the claim says above.</summary>
    public static Difference Direction(Interval interval, double none, bool claimAbove)
    {
        if (interval.Low > none) return claimAbove ? Difference.FavoursClaim : Difference.AgainstClaim;
        if (interval.High < none) return claimAbove ? Difference.AgainstClaim : Difference.FavoursClaim;
        return Difference.WithinNoise;
    }

    /// <summary>The verdict over the budgets' directions.</summary>
    public static ClaimVerdict Verdict(IReadOnlyList<Difference> directions)
    {
        if (directions.Count == 0) throw new ArgumentException("no matched pair to judge the claim on");
        bool any = directions.Contains(Difference.FavoursClaim), against = directions.Contains(Difference.AgainstClaim);
        if (any && against) return ClaimVerdict.Mixed;
        if (against) return ClaimVerdict.NotSupported;
        if (!any) return ClaimVerdict.WithinNoise;
        return directions.All(d => d == Difference.FavoursClaim) ? ClaimVerdict.Supported : ClaimVerdict.PartlySupported;
    }

    /// <summary>Every pair's statistics.</summary>
    public static IReadOnlyList<PairStatistics> Pairs(IReadOnlyList<(VariantResult Layer, VariantResult Channel)> pairs, IReadOnlyList<int> batches) =>
        pairs.Select(p => new PairStatistics(p.Layer.Budget ?? double.NaN, p.Layer.Seed,
            McNemar.PValue(p.Channel.Correct, p.Layer.Correct),
            Bootstrap.AccuracyDifference(p.Channel.Correct, p.Layer.Correct),
            [.. from b in batches
                from mode in Modes
                let l = Latency(p.Layer, b, mode)
                let c = Latency(p.Channel, b, mode)
                where l is not null && c is not null
                select (b, mode, Bootstrap.MedianRatio(Samples(c), Samples(l)))])).ToList();

    /// <summary>Every iso-latency pair's statistics.</summary>
    public static IReadOnlyList<IsoLatencyStatistics> IsoLatency(IReadOnlyList<(VariantResult Layer, VariantResult Iso)> pairs) =>
        pairs.Select(p =>
        {
            int batch = p.Iso.IsoBatch ?? 0;
            var l = Latency(p.Layer, batch, "eager");
            var c = Latency(p.Iso, batch, "eager");
            return new IsoLatencyStatistics(p.Layer.Budget ?? double.NaN, p.Layer.Seed, batch, p.Layer.AccuracyAfter, p.Iso.AccuracyAfter, p.Iso.FlopsKept,
                McNemar.PValue(p.Iso.Correct, p.Layer.Correct), Bootstrap.AccuracyDifference(p.Iso.Correct, p.Layer.Correct),
                l is null || c is null ? null : c.Median / l.Median);
        }).ToList();

    /// <summary>Every control's statistics.</summary>
    public static IReadOnlyList<ControlStatistics> Controls(IReadOnlyList<(VariantResult Control, VariantResult Reference)> pairs, IReadOnlyList<int> batches) =>
        pairs.Select(p => new ControlStatistics(p.Control.Control, p.Control.Budget ?? double.NaN, p.Control.MethodName, p.Control.Label, p.Reference.Label,
            p.Control.AccuracyAfter, p.Reference.AccuracyAfter, McNemar.PValue(p.Control.Correct, p.Reference.Correct),
            Bootstrap.AccuracyDifference(p.Control.Correct, p.Reference.Correct),
            p.Control.Control == "scratch" ? []
                : [.. batches.Select(b => (b, Latency(p.Control, b, "eager"), Latency(p.Reference, b, "eager")))
                    .Where(x => x.Item2 is not null && x.Item3 is not null).Select(x => (x.b, x.Item2!.Median / x.Item3!.Median))])).ToList();

    /// <summary>The accuracy half: per budget pooled over seeds.</summary>
    public static AccuracyClaim? Accuracy(IReadOnlyList<(VariantResult Layer, VariantResult Channel)> pairs)
    {
        if (pairs.Count == 0) return null;
        var budgets = pairs.GroupBy(p => p.Layer.Budget ?? double.NaN).Select(g =>
        {
            var ci = Bootstrap.PooledAccuracyDifference([.. g.Select(p => (p.Channel.Correct, p.Layer.Correct))]);
            return new BudgetVerdict(g.Key, ci, Direction(ci, 0, claimAbove: true), g.Count());
        }).ToList();
        return new AccuracyClaim(budgets, Verdict([.. budgets.Select(b => b.Direction)]), budgets.Average(b => b.Effect.Estimate));
    }

    /// <summary>The speed half per batch size and mode (eager always; graph where every model has graph timings).</summary>
    public static IReadOnlyList<BatchClaim> Speed(IReadOnlyList<(VariantResult Layer, VariantResult Channel)> pairs, IReadOnlyList<int> batches)
    {
        var claims = new List<BatchClaim>();
        if (pairs.Count == 0) return claims;
        foreach (int batch in batches)
            foreach (var mode in Modes)
            {
                if (pairs.Any(p => Latency(p.Layer, batch, mode) is null || Latency(p.Channel, batch, mode) is null)) continue;
                var budgets = pairs.GroupBy(p => p.Layer.Budget ?? double.NaN).Select(g =>
                {
                    var ci = Bootstrap.PooledMedianRatio([.. g.Select(p => (Samples(Latency(p.Channel, batch, mode)!), Samples(Latency(p.Layer, batch, mode)!)))]);
                    return new BudgetVerdict(g.Key, ci, Direction(ci, 1, claimAbove: true), g.Count());
                }).ToList();
                claims.Add(new BatchClaim(batch, mode, budgets, Verdict([.. budgets.Select(b => b.Direction)]),
                    Math.Exp(budgets.Average(b => Math.Log(b.Effect.Estimate)))));
            }
        return claims;
    }

    /// <summary>
    /// The timing modes: "eager" (one launch per kernel, batch norms as kernels), "graph" (CUDA graph replay),
    /// "folded" (deployment: conv + BN (+ ReLU) folded into one kernel, eager) and "folded-graph" (folded and replayed).
    /// </summary>
    public static IReadOnlyList<string> Modes { get; } = ["eager", "graph", "folded", "folded-graph"];

    /// <summary>The latency of <paramref name="v"/> at a batch size in a mode; null when not measured.</summary>
    public static SampleStats? Latency(VariantResult v, int batch, string mode)
    {
        var profile = mode.StartsWith("folded", StringComparison.Ordinal) ? v.FoldedProfile : v.Profile;
        var b = profile?.Batches.FirstOrDefault(x => x.Batch == batch);
        return mode.EndsWith("graph", StringComparison.Ordinal) ? b?.Graph : b?.EndToEnd;
    }

    /// <summary>"eager (one launch per kernel)", ….</summary>
    public static string DescribeMode(string mode) => mode switch
    {
        "graph" => "CUDA graph replay",
        "folded" => "deployment: conv + BN + ReLU folded, eager",
        "folded-graph" => "deployment: folded, CUDA graph replay",
        _ => "eager (one launch per kernel)",
    };

    // The runs behind a latency; a summary without them (an old profile) stands for itself as one sample.
    private static IReadOnlyList<double> Samples(SampleStats s) => s.Samples.Count > 0 ? s.Samples : [s.Median];

    public static string Describe(ClaimVerdict v) => v switch
    {
        ClaimVerdict.Supported => "supported at every budget",
        ClaimVerdict.PartlySupported => "partly supported (beyond the noise for the claim at some budgets, against it at none)",
        ClaimVerdict.WithinNoise => "not shown: within the noise at every budget",
        ClaimVerdict.Mixed => "mixed: beyond the noise for the claim at some budgets and against it at others",
        _ => "not supported (against the claim beyond the noise, for it nowhere)",
    };
}
