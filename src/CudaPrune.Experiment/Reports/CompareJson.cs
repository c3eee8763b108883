using System.Text.Json.Nodes;
using CudaPrune.Experiment;
using CudaPrune.Pruning.Criteria;

using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment.Reports;

/// <summary>results.json of <c>cudaprune compare</c>: run facts, options, every model with its full profile, the claims, the timings.</summary>
public static class CompareJson
{
    public static string Write(CompareResults r)
    {
        var o = r.Options;
        var json = new JsonObject
        {
            ["claim"] = ClaimEvaluation.Claim,
            ["model"] = r.ModelName,
            ["dataset"] = r.Dataset,
            ["train_images"] = r.TrainImages,
            ["test_images"] = r.TestImages,
            ["baseline"] = r.BaselineSource,
            ["run"] = new JsonObject
            {
                ["device"] = r.Run.Device,
                ["backend"] = r.Run.Backend,
                ["driver"] = r.Run.Driver,
                ["version"] = r.Run.Version,
                ["commit"] = r.Run.Commit,
                ["dotnet"] = r.Run.DotNet,
                ["os"] = r.Run.Os,
                ["processors"] = r.Run.Processors,
                ["started_utc"] = r.Run.StartedUtc.ToString("O"),
                ["load_average_start"] = r.Run.LoadAverageStart,
                ["load_average_end"] = r.Run.LoadAverageEnd,
            },
            ["seeds"] = new JsonObject
            {
                ["seed"] = o.Seed,
                ["uses"] = "weights, data order and augmentation, subsets, calibration batches, random criteria, profiling input",
            },
            ["options"] = new JsonObject
            {
                ["preset"] = o.IsQuick ? "quick" : "full",
                ["budgets"] = new JsonArray([.. o.Budgets.Select(b => (JsonNode)JsonValue.Create(b))]),
                ["channel_criterion"] = CriterionNames.Name(o.ChannelCriterion),
                ["layer_criterion"] = CriterionNames.Name(o.LayerCriterion),
                ["epochs"] = o.Baseline is null ? o.Epochs : null,
                ["finetune_epochs"] = o.FinetuneEpochs,
                ["lr"] = o.LearningRate,
                ["finetune_lr"] = o.FinetuneLearningRate,
                ["train_batch"] = o.TrainBatch,
                ["train_subset"] = o.TrainSubset,
                ["test_subset"] = o.TestSubset,
                ["batch_sizes"] = new JsonArray([.. o.BatchSizes.Select(b => (JsonNode)JsonValue.Create(b))]),
                ["calibration_batches"] = o.CalibrationBatches,
                ["calibration_batch_size"] = o.CalibrationBatchSize,
                ["folded_batch_norm"] = false,
            },
            ["variants"] = new JsonArray([.. r.Variants.Select(v => (JsonNode)Variant(v, r))]),
            ["skipped"] = new JsonArray([.. r.Skipped.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["claims"] = new JsonArray([.. r.Claims.Select(c => (JsonNode)Claim(c))]),
            ["timings"] = new JsonArray([.. r.Timings.Select(t => (JsonNode)new JsonObject { ["phase"] = t.Phase, ["wall_seconds"] = t.WallSeconds, ["cpu_seconds"] = t.CpuSeconds })]),
        };
        return json.ToJsonString(ProfileJson.Indented) + "\n";
    }

    private static JsonObject Variant(VariantResult v, CompareResults r) => new()
    {
        ["method"] = v.MethodName,
        ["budget"] = v.Budget,
        ["criterion"] = v.Criterion,
        ["params"] = v.Params,
        ["flops"] = v.Flops,
        ["params_kept"] = v.ParamsKept,
        ["flops_kept"] = v.FlopsKept,
        ["accuracy_before_finetune"] = v.AccuracyBefore,
        ["accuracy_after_finetune"] = v.AccuracyAfter,
        ["accuracy_standard_error"] = v.StandardError,
        ["test_images"] = v.TestImages,
        ["checkpoint"] = v.Checkpoint,
        ["notes"] = new JsonArray([.. v.Notes.Select(n => (JsonNode)JsonValue.Create(n))]),
        ["speedup"] = new JsonObject([.. r.Options.BatchSizes.Select(b => new KeyValuePair<string, JsonNode?>(b.ToString(System.Globalization.CultureInfo.InvariantCulture), new JsonObject
        {
            ["eager"] = Speedup(r.Baseline, v, b, "eager"),
            ["graph"] = Speedup(r.Baseline, v, b, "graph"),
        }))]),
        ["layers_us"] = new JsonObject([.. r.Options.BatchSizes.Select(b => new KeyValuePair<string, JsonNode?>(b.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new JsonObject([.. LayerBreakdown.Microseconds(v.Profile.At(b).Kernels, r.BaselineLayers).Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))])))]),
        ["profile"] = ProfileJson.ToNode(v.Profile),
    };

    private static JsonNode? Speedup(VariantResult baseline, VariantResult v, int batch, string mode)
    {
        var b = ClaimEvaluation.Latency(baseline, batch, mode);
        var s = ClaimEvaluation.Latency(v, batch, mode);
        return b is null || s is null ? null : ProfileJson.Finite(b.Median / s.Median);
    }

    private static JsonObject Claim(BatchClaim c) => new()
    {
        ["batch"] = c.Batch,
        ["mode"] = c.Mode,
        ["verdict"] = c.Verdict.ToString(),
        ["verdict_text"] = ClaimEvaluation.Describe(c.Verdict),
        ["comparisons"] = new JsonArray([.. c.Comparisons.Select(x => (JsonNode)new JsonObject
        {
            ["budget"] = x.Budget,
            ["layer_us"] = ProfileJson.Stats(x.LayerLatency),
            ["channel_us"] = ProfileJson.Stats(x.ChannelLatency),
            ["speed"] = x.Speed.ToString(),
            ["layer_accuracy"] = x.LayerAccuracy,
            ["channel_accuracy"] = x.ChannelAccuracy,
            ["accuracy_difference_standard_error"] = x.StandardError,
            ["accuracy"] = x.Accuracy.ToString(),
        })]),
    };
}
