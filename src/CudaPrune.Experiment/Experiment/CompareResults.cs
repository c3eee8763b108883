using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment;

/// <summary>Everything the experiment measured, ready to be written as report.md, results.json, results.csv and plots.</summary>
/// <param name="ModelName">The baseline's model.</param>
/// <param name="BaselineLayers">The baseline's top-level layers, in order (the rows of the per-layer breakdown).</param>
/// <param name="Dataset">"CIFAR-10" or "CIFAR-10 (JPEG copy)".</param>
/// <param name="BaselineSource">"trained for N epochs" or the checkpoint it was loaded from.</param>
/// <param name="Variants">The baseline first, then per budget the layer- and the channel-pruned model.</param>
/// <param name="Skipped">Budgets that could not be matched, with the reason.</param>
/// <param name="Claims">The speed half of the claim per batch size and mode.</param>
public sealed record CompareResults(
    CompareSettings Options,
    string ModelName,
    IReadOnlyList<string> BaselineLayers,
    string Dataset,
    int TrainImages,
    int TestImages,
    string BaselineSource,
    RunInfo Run,
    IReadOnlyList<VariantResult> Variants,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<BatchClaim> Claims,
    IReadOnlyList<PhaseTiming> Timings)
{
    /// <summary>Per batch size, every model's latency in each engine (ours and ONNX Runtime), measured interleaved; empty on a GPU run.</summary>
    public IReadOnlyList<Engines.EngineLatencies> Engines { get; init; } = [];

    /// <summary>The accuracy half of the claim (null without a matched pair).</summary>
    public AccuracyClaim? Accuracy { get; init; }

    /// <summary>Every matched pair's statistics (McNemar, accuracy difference, speed-up ratios).</summary>
    public IReadOnlyList<PairStatistics> PairStatistics { get; init; } = [];

    /// <summary>The seeds the run used, in order.</summary>
    public IReadOnlyList<int> Seeds => [.. Variants.Select(v => v.Seed).Distinct().Order()];

    /// <summary>The first seed's baseline (the reference of the speed-ups).</summary>
    public VariantResult Baseline => Variants.First(v => v.Method == VariantMethod.Baseline);

    /// <summary>The baseline of <paramref name="seed"/> (a loaded baseline serves every seed).</summary>
    public VariantResult BaselineOf(int seed) => Variants.FirstOrDefault(v => v.Method == VariantMethod.Baseline && v.Seed == seed) ?? Baseline;

    /// <summary>The matched (layer, channel) pairs, by budget in the order asked, then by seed.</summary>
    public IReadOnlyList<(VariantResult Layer, VariantResult Channel)> Pairs => Options.Budgets
        .SelectMany(b => Seeds.Select(s => (Layer: Find(VariantMethod.Layer, b, s), Channel: Find(VariantMethod.Channel, b, s))))
        .Where(p => p.Layer is not null && p.Channel is not null)
        .Select(p => (p.Layer!, p.Channel!)).ToList();

    /// <summary>Every (layer-pruned, iso-latency channel-pruned) pair: same budget and seed, one per batch size matched.</summary>
    public IReadOnlyList<(VariantResult Layer, VariantResult Iso)> IsoPairs =>
        [.. Variants.Where(v => v.Method == VariantMethod.IsoLatency && v.Control.Length == 0)
            .Select(iso => (Layer: Find(VariantMethod.Layer, iso.Budget ?? double.NaN, iso.Seed), Iso: iso))
            .Where(p => p.Layer is not null).Select(p => (p.Layer!, p.Iso))];

    /// <summary>Accuracy at equal measured latency, per iso-latency pair.</summary>
    public IReadOnlyList<IsoLatencyStatistics> IsoLatency { get; init; } = [];

    /// <summary>The controls against what they control.</summary>
    public IReadOnlyList<ControlStatistics> ControlStatistics { get; init; } = [];

    /// <summary>With the statistics and both halves of the claim computed from the variants.</summary>
    public CompareResults Judged() => this with
    {
        ControlStatistics = ClaimEvaluation.Controls(ControlPairs, Options.BatchSizes),
        IsoLatency = ClaimEvaluation.IsoLatency(IsoPairs),
        Claims = ClaimEvaluation.Speed(Pairs, Options.BatchSizes),
        Accuracy = ClaimEvaluation.Accuracy(Pairs),
        PairStatistics = ClaimEvaluation.Pairs(Pairs, Options.BatchSizes),
    };

    private VariantResult? Find(VariantMethod method, double budget, int seed) =>
        Variants.FirstOrDefault(v => v.Method == method && v.Budget == budget && v.Seed == seed && v.Control.Length == 0);

    /// <summary>
    /// Every control with the model it is measured against: the scratch-trained architecture against its pruned and
    /// fine-tuned twin; a criterion-matched channel model against its layer partner; a fair channel variant (global
    /// ranking, round-to) against the primary layer-pruned model.
    /// </summary>
    public IReadOnlyList<(VariantResult Control, VariantResult Reference)> ControlPairs =>
        [.. Variants.Where(v => v.Control.Length > 0).Select(c => (Control: c, Reference: c.Control == "scratch"
                ? Find(c.Method, c.Budget ?? double.NaN, c.Seed)
                : c.Control.StartsWith("variant", StringComparison.Ordinal)
                    ? Find(VariantMethod.Layer, c.Budget ?? double.NaN, c.Seed)
                    : Variants.FirstOrDefault(v => v.Control == c.Control && v.Budget == c.Budget && v.Seed == c.Seed && v.Method != c.Method)))
            .Where(p => p.Reference is not null && (p.Control.Control == "scratch" || p.Control.Method == VariantMethod.Channel))
            .Select(p => (p.Control, p.Reference!))];

    /// <summary>Images of the training split held out for calibration and baseline selection (0: none).</summary>
    public int ValidationImages { get; init; }
}
