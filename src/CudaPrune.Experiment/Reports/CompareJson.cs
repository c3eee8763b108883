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
            ["seeds"] = new JsonArray([.. r.Seeds.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["seed_uses"] = "per seed: baseline weights (unless loaded), data order and augmentation, calibration batches, random criteria, fine-tuning; the first seed: subsets and profiling input",
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
            ["engines"] = EnginesNode(r),
            ["validation_images"] = r.ValidationImages,
            ["scratch"] = new JsonArray([.. r.ControlStatistics.Where(c => c.Control == "scratch").Select(c => (JsonNode)ControlNode(c))]),
            ["criterion_controls"] = new JsonArray([.. r.ControlStatistics.Where(c => c.Control.StartsWith("criteria", StringComparison.Ordinal)).Select(c => (JsonNode)ControlNode(c))]),
            ["channel_variants"] = new JsonArray([.. r.ControlStatistics.Where(c => c.Control.StartsWith("variant", StringComparison.Ordinal)).Select(c => (JsonNode)ControlNode(c))]),
            ["iso_latency"] = new JsonArray([.. r.IsoLatency.Select(i => (JsonNode)new JsonObject
            {
                ["budget"] = i.Budget,
                ["seed"] = i.Seed,
                ["batch"] = i.Batch,
                ["layer_accuracy"] = i.LayerAccuracy,
                ["channel_accuracy"] = i.ChannelAccuracy,
                ["channel_flops_kept"] = i.ChannelFlopsKept,
                ["mcnemar_p"] = i.McNemarP,
                ["accuracy_difference"] = IntervalNode(i.AccuracyDifference),
                ["latency_ratio_channel_over_layer"] = i.LatencyRatio is double lr ? ProfileJson.Finite(lr) : null,
            })]),
            ["pairs"] = new JsonArray([.. r.PairStatistics.Select(p => (JsonNode)Pair(p))]),
            ["accuracy_claim"] = r.Accuracy is { } a ? new JsonObject
            {
                ["verdict"] = a.Verdict.ToString(),
                ["verdict_text"] = ClaimEvaluation.Describe(a.Verdict),
                ["effect_accuracy_difference"] = a.Effect,
                ["budgets"] = new JsonArray([.. a.Budgets.Select(b => (JsonNode)BudgetNode(b))]),
            } : null,
            ["speed_claims"] = new JsonArray([.. r.Claims.Select(c => (JsonNode)Claim(c))]),
            ["pareto"] = new JsonArray([.. r.Claims.Select(c => (JsonNode)Pareto(r, c.Batch, c.Mode))]),
            ["timings"] = new JsonArray([.. r.Timings.Select(t => (JsonNode)new JsonObject { ["phase"] = t.Phase, ["wall_seconds"] = t.WallSeconds, ["cpu_seconds"] = t.CpuSeconds })]),
        };
        return json.ToJsonString(ProfileJson.Indented) + "\n";
    }

    private static JsonObject Variant(VariantResult v, CompareResults r) => new()
    {
        ["method"] = v.MethodName,
        ["budget"] = v.Budget,
        ["seed"] = v.Seed,
        ["control"] = v.Control.Length > 0 ? v.Control : null,
        ["iso_batch"] = v.IsoBatch,
        ["depth_profile"] = v.DepthProfile,
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
            ["eager"] = Speedup(r.BaselineOf(v.Seed), v, b, "eager"),
            ["graph"] = Speedup(r.BaselineOf(v.Seed), v, b, "graph"),
            ["folded"] = Speedup(r.BaselineOf(v.Seed), v, b, "folded"),
            ["folded_graph"] = Speedup(r.BaselineOf(v.Seed), v, b, "folded-graph"),
        }))]),
        ["layers_us"] = new JsonObject([.. r.Options.BatchSizes.Select(b => new KeyValuePair<string, JsonNode?>(b.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new JsonObject([.. LayerBreakdown.Microseconds(v.Profile.At(b).Kernels, r.BaselineLayers).Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))])))]),
        ["profile"] = ProfileJson.ToNode(v.Profile),
        ["profile_folded"] = v.FoldedProfile is { } folded ? ProfileJson.ToNode(folded) : null,
        ["latency_by_engine"] = new JsonObject([.. r.Engines.Select(t => new KeyValuePair<string, JsonNode?>(
            t.Batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new JsonObject([.. t.Rows.Where(row => row.Label == v.Label).Select(row => new KeyValuePair<string, JsonNode?>(row.Engine, new JsonObject
            {
                ["median_ms"] = row.Latency.Stats.Median,
                ["p10_ms"] = row.Latency.Stats.P10,
                ["p90_ms"] = row.Latency.Stats.P90,
                ["runs"] = row.Latency.Stats.Count,
            }))])))]),
    };

    // The engines of the interleaved CPU measurement: which ran (with what settings) and which could not, and why.
    private static JsonArray EnginesNode(CompareResults r)
    {
        var first = r.Engines.FirstOrDefault();
        if (first is null) return [];
        var names = first.Descriptions.Keys.Concat(first.Skipped.Select(s => s.Engine)).Distinct();
        return new JsonArray([.. names.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n,
            ["available"] = first.Skipped.All(s => s.Engine != n),
            ["reason"] = first.Skipped.FirstOrDefault(s => s.Engine == n)?.Reason,
            ["description"] = first.Descriptions.TryGetValue(n, out var d) ? d : null,
        })]);
    }

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
        ["effect_speedup_ratio"] = ProfileJson.Finite(c.Effect),
        ["budgets"] = new JsonArray([.. c.Budgets.Select(b => (JsonNode)BudgetNode(b))]),
    };

    // Per batch size and mode: every (method, budget) point (latency ÷ baseline's, accuracy mean ± 95 % over seeds) and whether it is on the Pareto front.
    private static JsonObject Pareto(CompareResults r, int batch, string mode)
    {
        var points = new[] { VariantMethod.Layer, VariantMethod.Channel }
            .SelectMany(m => Plots.AccuracyLatencyPlot.Points(r, m, batch, mode).Select(p => (Method: m, p.Budget, p.X, p.Y, p.Error))).ToList();
        var front = Statistics.ParetoFront.Of(points, p => p.X, p => p.Y).ToHashSet();
        return new JsonObject
        {
            ["batch"] = batch,
            ["mode"] = mode,
            ["points"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject
            {
                ["method"] = p.Method.ToString().ToLowerInvariant(),
                ["budget"] = p.Budget,
                ["relative_latency"] = ProfileJson.Finite(p.X),
                ["accuracy_percent"] = p.Y,
                ["accuracy_ci95_half_width"] = p.Error,
                ["on_front"] = front.Contains(p),
            })]),
        };
    }

    private static JsonObject ControlNode(ControlStatistics c) => new()
    {
        ["control"] = c.Control,
        ["budget"] = c.Budget,
        ["method"] = c.Method,
        ["model"] = c.ControlLabel,
        ["reference"] = c.ReferenceLabel,
        ["control_accuracy"] = c.ControlAccuracy,
        ["reference_accuracy"] = c.ReferenceAccuracy,
        ["mcnemar_p"] = c.McNemarP,
        ["accuracy_difference"] = IntervalNode(c.AccuracyDifference),
        ["speedup_ratio"] = new JsonArray([.. c.SpeedupRatios.Select(x => (JsonNode)new JsonObject { ["batch"] = x.Batch, ["ratio"] = ProfileJson.Finite(x.Ratio) })]),
    };

    private static JsonObject BudgetNode(BudgetVerdict b) => new()
    {
        ["budget"] = b.Budget,
        ["seeds"] = b.Seeds,
        ["effect"] = IntervalNode(b.Effect),
        ["direction"] = b.Direction.ToString(),
    };

    private static JsonObject Pair(PairStatistics p) => new()
    {
        ["budget"] = p.Budget,
        ["seed"] = p.Seed,
        ["mcnemar_p"] = p.McNemarP,
        ["accuracy_difference"] = IntervalNode(p.AccuracyDifference),
        ["speedup_ratio"] = new JsonArray([.. p.SpeedupRatios.Select(s => (JsonNode)new JsonObject
        {
            ["batch"] = s.Batch,
            ["mode"] = s.Mode,
            ["ratio"] = IntervalNode(s.Ratio),
        })]),
    };

    private static JsonObject IntervalNode(Statistics.Interval i) => new()
    {
        ["estimate"] = ProfileJson.Finite(i.Estimate),
        ["ci95"] = new JsonArray(ProfileJson.Finite(i.Low), ProfileJson.Finite(i.High)),
    };
}
