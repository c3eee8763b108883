using CudaPrune.Experiment;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Tests.Experiment;

/// <summary>Hand-made experiment results: models with chosen accuracies and latency samples, for the claim logic and the writers.</summary>
internal static class SyntheticResults
{
    public static readonly IReadOnlyList<string> Layers = ["conv1", "layer1.0", "layer1.1", "linear"];

    /// <summary>A model whose end-to-end samples at each batch are <paramref name="latencies"/> (µs); its kernels split the median over its layers.</summary>
    public static VariantResult Variant(VariantMethod method, double? budget, double accuracy, int testImages, IReadOnlyDictionary<int, double[]> latencies,
        bool hasSecondBlock = true, int seed = 1)
    {
        var batches = latencies.Select(kv =>
        {
            var e2e = SampleStats.Of(kv.Value);
            var layers = hasSecondBlock ? Layers : Layers.Where(l => l != "layer1.1").ToList();
            var rows = layers.Select(l => new KernelProfileRow(l == "layer1.0" ? "layer1.0.conv1" : l, "conv2d_forward", 1,
                SampleStats.Of([e2e.Median / layers.Count]), 1e6, 1e5, DevicePeaks.Unknown("test"))).ToList();
            return new BatchProfile(kv.Key, e2e, null, null, null, rows, null, SampleStats.Of([e2e.Median]));
        }).ToList();
        var profile = new ModelProfile("resnet20", "test device", DevicePeaks.Unknown("test"), false, new ProfileOptions(), batches);
        return new VariantResult(method, budget, method == VariantMethod.Baseline ? "" : method == VariantMethod.Layer ? "output-change" : "l1",
            Params: method == VariantMethod.Baseline ? 1000 : 600, Flops: method == VariantMethod.Baseline ? 2_000_000 : 1_000_000,
            FlopsKept: method == VariantMethod.Baseline ? 1 : 0.5, ParamsKept: method == VariantMethod.Baseline ? 1 : 0.6,
            AccuracyBefore: accuracy - 0.1, AccuracyAfter: accuracy, testImages, $"/tmp/{method}.safetensors",
            method == VariantMethod.Layer ? ["removed block layer1.1 (identity shortcut: the skip connection stays)"] : [], profile)
        {
            Seed = seed,
            // Right on the first accuracy·n images: models of one seed nest (the better one is right wherever the worse one is).
            Correct = [.. Enumerable.Range(0, testImages).Select(i => i < (int)Math.Round(accuracy * testImages))],
            DepthProfile = method == VariantMethod.Layer ? "1" : "2",
        };
    }

    public static double[] Around(double median, double spread) => [median - spread, median - spread / 2, median, median + spread / 2, median + spread];

    /// <summary>
    /// Baseline, layer- and channel-pruned at budget 0.5: at batch 1 layer pruning is clearly faster (2 ms vs 3 ms ± 0.1),
    /// at batch 64 the two overlap (50 ± 5 vs 52 ± 5 ms); channel pruning is 10 points more accurate on 1,000 images.
    /// </summary>
    public static CompareResults Make()
    {
        var baseline = Variant(VariantMethod.Baseline, null, 0.92, 1000, new Dictionary<int, double[]> { [1] = Around(4000, 100), [64] = Around(100_000, 5000) });
        var layer = Variant(VariantMethod.Layer, 0.5, 0.80, 1000, new Dictionary<int, double[]> { [1] = Around(2000, 100), [64] = Around(50_000, 5000) }, hasSecondBlock: false);
        var channel = Variant(VariantMethod.Channel, 0.5, 0.90, 1000, new Dictionary<int, double[]> { [1] = Around(3000, 100), [64] = Around(52_000, 5000) });
        var options = CompareSettings.Quick with { Budgets = [0.5], BatchSizes = [1, 64], Seeds = 1 };
        var run = new RunInfo("test device", "cpu", "", "1.0.0", "0123abcd", ".NET 10", "Linux", 2, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), 1.5, 2.5);
        var results = new CompareResults(options, "resnet20", Layers, "CIFAR-10 (JPEG copy)", 4000, 1000, "trained for 2 epoch(s)", run,
            [baseline, layer, channel], ["budget 0.30: layer pruning cannot reach it"], [], [new PhaseTiming("baseline", 10, 18), new PhaseTiming("profile", 5, 9)]);
        return results.Judged();
    }
}
