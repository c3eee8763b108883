using CudaPrune.Experiment;
using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment.Reports;

/// <summary>results.csv of <c>cudaprune compare</c>: one row per model, batch size and timing mode (eager, graph).</summary>
public static class CompareCsv
{
    public static string Write(CompareResults r)
    {
        var csv = new Csv("method", "budget", "seed", "depth_profile", "criterion", "params", "flops", "params_kept", "flops_kept", "accuracy_before_finetune", "accuracy_after_finetune",
            "accuracy_standard_error", "test_images", "batch", "mode", "median_ms", "p10_ms", "p90_ms", "min_ms", "runs", "speedup_vs_baseline");
        foreach (var v in r.Variants)
            foreach (int b in r.Options.BatchSizes)
                foreach (var mode in ClaimEvaluation.Modes)
                {
                    var s = ClaimEvaluation.Latency(v, b, mode);
                    if (s is null) continue;
                    var reference = ClaimEvaluation.Latency(r.BaselineOf(v.Seed), b, mode);
                    csv.Row(v.MethodName, v.Budget, v.Seed, v.DepthProfile, v.Criterion, v.Params, v.Flops, v.ParamsKept, v.FlopsKept, v.AccuracyBefore, v.AccuracyAfter,
                        v.StandardError, v.TestImages, b, mode, s.Median / 1000, s.P10 / 1000, s.P90 / 1000, s.Min / 1000, s.Count,
                        reference is null ? null : reference.Median / s.Median);
                }
        return csv.ToString();
    }
}
