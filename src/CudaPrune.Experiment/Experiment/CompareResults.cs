using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment;

/// <summary>Everything the experiment measured, ready to be written as report.md, results.json, results.csv and plots.</summary>
/// <param name="ModelName">The baseline's model.</param>
/// <param name="BaselineLayers">The baseline's top-level layers, in order (the rows of the per-layer breakdown).</param>
/// <param name="Dataset">"CIFAR-10" or "CIFAR-10 (JPEG copy)".</param>
/// <param name="BaselineSource">"trained for N epochs" or the checkpoint it was loaded from.</param>
/// <param name="Variants">The baseline first, then per budget the layer- and the channel-pruned model.</param>
/// <param name="Skipped">Budgets that could not be matched, with the reason.</param>
/// <param name="Claims">The claim's verdict per batch size and mode.</param>
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
    public VariantResult Baseline => Variants.First(v => v.Method == VariantMethod.Baseline);

    /// <summary>The matched (layer, channel) pairs, by budget in the order asked.</summary>
    public IReadOnlyList<(VariantResult Layer, VariantResult Channel)> Pairs => Options.Budgets
        .Select(b => (Layer: Find(VariantMethod.Layer, b), Channel: Find(VariantMethod.Channel, b)))
        .Where(p => p.Layer is not null && p.Channel is not null)
        .Select(p => (p.Layer!, p.Channel!)).ToList();

    private VariantResult? Find(VariantMethod method, double budget) => Variants.FirstOrDefault(v => v.Method == method && v.Budget == budget);
}
