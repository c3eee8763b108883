using System.Globalization;
using System.Text;
using CudaPrune.Experiment;
using CudaPrune.Profiling.Latency;
using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment.Reports;

/// <summary>report.md of <c>cudaprune compare</c>: the claim, the one results table, the verdict per batch size, the per-layer breakdown, the plots, the timings.</summary>
public static class CompareMarkdown
{
    public static string Write(CompareResults r, IReadOnlyList<string> plots)
    {
        var md = new StringBuilder();
        var o = r.Options;
        md.AppendLine($"# Channel vs layer pruning: {r.ModelName} on {r.Dataset}").AppendLine();
        md.AppendLine($"**Claim under test:** {ClaimEvaluation.Claim}.").AppendLine();
        if (o.IsQuick)
            md.AppendLine("> This is the `--quick` preset: a few epochs on a subset. Its accuracies are far from converged and its timings come " +
                "from a CPU; it proves the pipeline, it does not settle the claim. Run the full preset on a GPU for that (docs/EXPERIMENT.md).").AppendLine();
        Setup(md, r);
        Results(md, r);
        Claims(md, r);
        IsoLatency(md, r);
        Controls(md, r);
        SecondEngine(md, r);
        Layers(md, r);
        if (plots.Count > 0)
        {
            md.AppendLine("## Plots").AppendLine();
            foreach (var p in plots) md.AppendLine($"![{Path.GetFileNameWithoutExtension(p)}]({p})").AppendLine();
        }
        Notes(md, r);
        Timings(md, r);
        return md.ToString();
    }

    private static void Setup(StringBuilder md, CompareResults r)
    {
        var o = r.Options;
        var run = r.Run;
        md.AppendLine("## Setup").AppendLine();
        md.AppendLine($"- Device: {run.Device}{(run.Driver.Length > 0 ? $" (driver {run.Driver})" : "")}; backend `{run.Backend}`.");
        md.AppendLine($"- Build: cudaprune {run.Version}, commit `{run.Commit}`; {run.DotNet}; {run.Os}; {run.Processors} logical cores; started {run.StartedUtc:yyyy-MM-dd HH:mm} UTC.");
        if (run.LoadAverageStart is double l0)
            md.AppendLine(Inv($"- Machine load (1-minute load average) at start {l0:F1}, at end {run.LoadAverageEnd ?? double.NaN:F1}: other work on a shared machine shows up in every timing."));
        md.AppendLine(Inv($"- Data: {r.Dataset}, {r.TrainImages:N0} training and {r.TestImages:N0} test images{(o.TrainSubset is null && o.TestSubset is null ? "" : " (class-balanced subsets)")}."));
        md.AppendLine(Inv($"- Baseline: {r.ModelName}, {r.BaselineSource}; seed {o.Seed} (weights, data order, subsets, calibration, profiling input)."));
        md.AppendLine($"- Pruning: layer pruning first (criterion `{Pruning.Criteria.CriterionNames.Name(o.LayerCriterion)}`, identity blocks only), then channel pruning " +
            $"(criterion `{Pruning.Criteria.CriterionNames.Name(o.ChannelCriterion)}`, same ratio per group) to the FLOPs the layer-pruned model landed on: whole blocks cannot hit a budget exactly.");
        md.AppendLine(Inv($"- Fine-tuning: {o.FinetuneEpochs} epoch(s) at learning rate {o.FinetuneLearningRate} (cosine), batch {o.TrainBatch}; accuracy is measured before and after it on the same test images."));
        md.AppendLine("- Latency: measured after fine-tuning, on the evaluated models, all on the same backend with the same kernels, each batch size for every model back to back; " +
            "eval mode, no grad, random images; batch norms run as their own kernels (not folded). " +
            Inv($"{o.Profile.Warmup} warm-up runs, then at least {o.Profile.Runs} measured runs and {o.Profile.MinSeconds * 1000:F0} ms; median with p10–p90. ") +
            "End-to-end passes are timed without per-kernel timers" + (o.Profile.Graph ? "; CUDA graph replays where the device has graphs" : "") +
            (o.Profile.FlushL2 ? "; also with L2 flushed before every run (results.json)" : "") + ".");
        md.AppendLine();
    }

    private static void Results(StringBuilder md, CompareResults r)
    {
        var batches = r.Options.BatchSizes;
        bool graphs = r.Variants.All(v => batches.All(b => ClaimEvaluation.Latency(v, b, "graph") is not null));
        var header = new List<string> { "method", "budget", "seed", "depth", "params", "FLOPs (kept)", "acc. before FT", "acc. after FT (± SE)" };
        foreach (int b in batches)
        {
            header.Add($"b={b} ms, median (p90)");
            header.Add($"b={b} speed-up");
            if (graphs)
            {
                header.Add($"b={b} graph ms (p90)");
                header.Add($"b={b} graph speed-up");
            }
        }
        md.AppendLine("## Results").AppendLine();
        md.AppendLine("Speed-up is the baseline's median latency ÷ the model's, at the same batch size and in the same mode. SE: binomial standard error of the accuracy on the test images.").AppendLine();
        var rows = new List<List<string>>();
        foreach (var v in r.Variants)
        {
            bool isBaseline = v.Method == VariantMethod.Baseline;
            var row = new List<string>
            {
                isBaseline ? "baseline" : $"{v.MethodName} ({v.Criterion})",
                v.Budget is double budget ? Units.Number(budget, "0.00") : "—",
                Inv($"{v.Seed}"),
                v.DepthProfile,
                Inv($"{v.Params:N0}") + (isBaseline ? "" : $" ({Units.Percent(v.ParamsKept)})"),
                Units.Count(v.Flops) + (isBaseline ? "" : $" ({Units.Percent(v.FlopsKept)})"),
                isBaseline ? "—" : Units.Percent(v.AccuracyBefore, 2),
                $"{Units.Percent(v.AccuracyAfter, 2)} ± {Units.Number(100 * v.StandardError, "F2")}",
            };
            foreach (int b in batches)
                foreach (var mode in graphs ? new[] { "eager", "graph" } : ["eager"])
                {
                    var s = ClaimEvaluation.Latency(v, b, mode);
                    var reference = ClaimEvaluation.Latency(r.BaselineOf(v.Seed), b, mode);
                    row.Add(s is null ? "n/a" : $"{Units.Millis(s.Median)} ({Units.Millis(s.P90)})");
                    row.Add(s is null || reference is null ? "n/a" : Units.Number(reference.Median / s.Median, "F2") + "x");
                }
            rows.Add(row);
        }
        Table(md, header, rows);
    }

    private static void Claims(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Do the measurements support the claim?").AppendLine();
        if (r.Accuracy is null)
        {
            md.AppendLine("No budget produced a matched pair of models: nothing to judge (see the notes).").AppendLine();
            return;
        }
        md.AppendLine(Inv($"Each half of the claim is judged on its own, per budget, pooled over {r.Seeds.Count} seed(s) ({string.Join(", ", r.Seeds)}), ") +
            "with a 95 % interval: a budget counts for or against only when its whole interval lies one side of \"no difference\". " +
            "Accuracy: accuracy(channel) − accuracy(layer) on the same test images (paired bootstrap over the images; McNemar's exact test per pair below). " +
            "Speed: latency(channel) ÷ latency(layer) (above 1: layer pruning faster), geometric mean over seeds, bootstrap over the timing runs. " +
            "Speed is judged per batch size and timing mode, because launch overhead, which depends on the number of kernels rather than on FLOPs, weighs most at batch 1.").AppendLine();

        var acc = r.Accuracy;
        md.AppendLine(Inv($"### Accuracy: {ClaimEvaluation.Describe(acc.Verdict)} (mean difference {100 * acc.Effect:+0.00;-0.00;0.00} points)")).AppendLine();
        foreach (var b in acc.Budgets)
            md.AppendLine(Inv($"- Budget {b.Budget:0.00} ({b.Seeds} seed(s)): channel − layer = {100 * b.Effect.Estimate:+0.00;-0.00;0.00} points, 95 % interval [{100 * b.Effect.Low:+0.00;-0.00;0.00}, {100 * b.Effect.High:+0.00;-0.00;0.00}]: ") +
                Direction(b.Direction, "channel pruning keeps more accuracy", "layer pruning keeps more accuracy"));
        md.AppendLine();
        foreach (var c in r.Claims)
        {
            md.AppendLine(Inv($"### Speed, batch {c.Batch}, {ClaimEvaluation.DescribeMode(c.Mode)}: {ClaimEvaluation.Describe(c.Verdict)} (layer pruning {c.Effect:F2}x as fast as channel pruning, geometric mean)")).AppendLine();
            foreach (var b in c.Budgets)
                md.AppendLine(Inv($"- Budget {b.Budget:0.00}: latency(channel) ÷ latency(layer) = {b.Effect.Estimate:F2}, 95 % interval [{b.Effect.Low:F2}, {b.Effect.High:F2}]: ") +
                    Direction(b.Direction, "layer pruning is faster", "channel pruning is faster"));
            md.AppendLine();
        }

        md.AppendLine("### Pareto fronts").AppendLine();
        md.AppendLine("Per batch size and mode, the (method, budget) points no other point beats on both latency (relative to the seed's baseline) " +
            "and mean accuracy; `accuracy-latency.png` draws them with their error bars.").AppendLine();
        foreach (var c in r.Claims)
        {
            var points = new[] { VariantMethod.Layer, VariantMethod.Channel }
                .SelectMany(m => Plots.AccuracyLatencyPlot.Points(r, m, c.Batch, c.Mode).Select(p => (Method: m, p.Budget, p.X, p.Y))).ToList();
            var front = Statistics.ParetoFront.Of(points, p => p.X, p => p.Y);
            int layer = front.Count(p => p.Method == VariantMethod.Layer), channel = front.Count(p => p.Method == VariantMethod.Channel);
            string who = layer > 0 && channel == 0 ? "layer pruning dominates: every point of the front is layer-pruned"
                : channel > 0 && layer == 0 ? "channel pruning dominates: every point of the front is channel-pruned"
                : "neither dominates: the front mixes both (each wins a range of latency)";
            md.AppendLine(Inv($"- batch {c.Batch}, {c.Mode}: front {string.Join(", ", front.Select(p => $"{p.Method.ToString().ToLowerInvariant()} {p.Budget:0.00} ({p.X:F2}x, {p.Y:F1} %)"))} — {who}."));
        }
        md.AppendLine();

        md.AppendLine("### Every pair").AppendLine();
        var header = new List<string> { "budget", "seed", "layer acc.", "channel acc.", "difference [95 %]", "McNemar p" };
        var speedKeys = r.PairStatistics.SelectMany(p => p.SpeedupRatios.Select(x => (x.Batch, x.Mode))).Distinct().ToList();
        header.AddRange(speedKeys.Select(k => $"b={k.Batch} {k.Mode} ratio [95 %]"));
        var rows = new List<List<string>>();
        foreach (var p in r.PairStatistics)
        {
            var (layer, channel) = r.Pairs.First(x => x.Layer.Budget == p.Budget && x.Layer.Seed == p.Seed);
            var row = new List<string>
            {
                Units.Number(p.Budget, "0.00"), Inv($"{p.Seed}"), Units.Percent(layer.AccuracyAfter, 2), Units.Percent(channel.AccuracyAfter, 2),
                Inv($"{100 * p.AccuracyDifference.Estimate:+0.00;-0.00;0.00} [{100 * p.AccuracyDifference.Low:+0.00;-0.00;0.00}, {100 * p.AccuracyDifference.High:+0.00;-0.00;0.00}]"),
                p.McNemarP < 1e-4 ? "< 0.0001" : Inv($"{p.McNemarP:0.0000}"),
            };
            foreach (var k in speedKeys)
                row.Add(p.SpeedupRatios.FirstOrDefault(x => x.Batch == k.Batch && x.Mode == k.Mode) is { Mode: not null } x
                    ? Inv($"{x.Ratio.Estimate:F2} [{x.Ratio.Low:F2}, {x.Ratio.High:F2}]") : "n/a");
            rows.Add(row);
        }
        Table(md, header, rows);
    }

    private static void IsoLatency(StringBuilder md, CompareResults r)
    {
        if (r.IsoLatency.Count == 0) return;
        md.AppendLine("## Accuracy at equal latency (iso-latency)").AppendLine();
        md.AppendLine("Matched FLOPs favour neither method's speed; the deployment question is accuracy at the same *measured* latency " +
            "(Elkerdawy et al. 2020). For each layer-pruned model and batch size, channel pruning was searched (bisection on the FLOPs kept, " +
            "each candidate timed before fine-tuning) until its latency matched, then fine-tuned like the others. Difference: accuracy(channel) − " +
            "accuracy(layer), paired bootstrap 95 %; the last column is the matched models' latency ratio in the final profile (1.00 = equal).").AppendLine();
        var rows = r.IsoLatency.Select(i => new List<string>
        {
            Units.Number(i.Budget, "0.00"), Inv($"{i.Seed}"), Inv($"{i.Batch}"), Units.Percent(i.ChannelFlopsKept), Units.Percent(i.LayerAccuracy, 2), Units.Percent(i.ChannelAccuracy, 2),
            Inv($"{100 * i.AccuracyDifference.Estimate:+0.00;-0.00;0.00} [{100 * i.AccuracyDifference.Low:+0.00;-0.00;0.00}, {100 * i.AccuracyDifference.High:+0.00;-0.00;0.00}]"),
            i.McNemarP < 1e-4 ? "< 0.0001" : Inv($"{i.McNemarP:0.0000}"),
            i.LatencyRatio is double lr ? Inv($"{lr:F2}") : "n/a",
        }).ToList();
        Table(md, ["budget", "seed", "batch", "channel FLOPs kept", "layer acc.", "channel acc.", "difference [95 %]", "McNemar p", "latency ratio"], rows);
    }

    private static void Controls(StringBuilder md, CompareResults r)
    {
        if (r.ControlStatistics.Count == 0) return;
        md.AppendLine("## Controls").AppendLine();
        md.AppendLine("- **scratch**: the pruned architecture trained from random weights for the baseline's and the fine-tuning's epochs together " +
            "(scratch-B, Liu et al. 2019); difference = accuracy(scratch) − accuracy(pruned and fine-tuned). A positive difference says the " +
            "architecture, not the inherited weights, carries the accuracy.");
        md.AppendLine("- **criteria x/x**: layer and channel pruning with the same criterion (the primary pair mixes criteria); difference = " +
            "accuracy(channel) − accuracy(layer); ratio = latency(channel) ÷ latency(layer), eager.");
        md.AppendLine("- **variant global / variant round-to 4**: the fair channel baseline's variants (channels ranked across layers; counts rounded to " +
            "the kernels' tile row step), pruned to the layer-pruned model's FLOPs, against that layer-pruned model, as the criteria controls.").AppendLine();
        var batches = r.ControlStatistics.SelectMany(c => c.SpeedupRatios.Select(x => x.Batch)).Distinct().Order().ToList();
        var header = new List<string> { "control", "model", "against", "accuracy", "against acc.", "difference [95 %]", "McNemar p" };
        header.AddRange(batches.Select(b => $"b={b} ratio"));
        var rows = r.ControlStatistics.Select(c => new List<string>
        {
            c.Control, c.ControlLabel, c.ReferenceLabel, Units.Percent(c.ControlAccuracy, 2), Units.Percent(c.ReferenceAccuracy, 2),
            Inv($"{100 * c.AccuracyDifference.Estimate:+0.00;-0.00;0.00} [{100 * c.AccuracyDifference.Low:+0.00;-0.00;0.00}, {100 * c.AccuracyDifference.High:+0.00;-0.00;0.00}]"),
            c.McNemarP < 1e-4 ? "< 0.0001" : Inv($"{c.McNemarP:0.0000}"),
        }.Concat(batches.Select(b => c.SpeedupRatios.FirstOrDefault(x => x.Batch == b) is { Batch: > 0 } x ? Inv($"{x.Ratio:F2}") : "—")).ToList()).ToList();
        Table(md, header, rows);
    }

    // Every model in ours and in ONNX Runtime, measured in the same interleaved rounds (CPU runs only).
    private static void SecondEngine(StringBuilder md, CompareResults r)
    {
        if (r.Engines.Count == 0) return;
        md.AppendLine("## A second engine: ONNX Runtime on the same CPU").AppendLine();
        var first = r.Engines[0];
        foreach (var (name, description) in first.Descriptions) md.AppendLine($"- `{name}`: {description}");
        foreach (var skipped in first.Skipped) md.AppendLine($"- `{skipped.Engine}`: **not available** ({skipped.Reason}); its column is empty.");
        md.AppendLine("- Every model in both engines, interleaved round by round (docs/EXPERIMENT.md), so machine load hits both alike; median ms with p10–p90. " +
            "Ours here is the same end-to-end pass as in the results table, measured again in these rounds.").AppendLine();
        var header = new List<string> { "model" };
        foreach (var t in r.Engines) header.AddRange([$"b={t.Batch} ours ms", $"b={t.Batch} ONNX Runtime ms", $"b={t.Batch} ours ÷ ORT"]);
        var rows = new List<List<string>>();
        foreach (var v in r.Variants)
        {
            var row = new List<string> { v.Label };
            foreach (var t in r.Engines)
            {
                var ours = t.Find("cudaprune", v.Label)?.Latency.Stats;
                var ort = t.Find("onnxruntime", v.Label)?.Latency.Stats;
                row.Add(ours is null ? "n/a" : Inv($"{ours.Median:F3} ({ours.P10:F3}–{ours.P90:F3})"));
                row.Add(ort is null ? "n/a" : Inv($"{ort.Median:F3} ({ort.P10:F3}–{ort.P90:F3})"));
                row.Add(ours is null || ort is null ? "n/a" : Inv($"{ours.Median / ort.Median:F2}x"));
            }
            rows.Add(row);
        }
        Table(md, header, rows);
        if (r.Pairs.Count == 0) return;
        md.AppendLine("Speed half of the claim in each engine (latency(channel) ÷ latency(layer), geometric mean over seeds; above 1: layer pruning faster):").AppendLine();
        foreach (var t in r.Engines)
            foreach (var engine in new[] { "cudaprune", "onnxruntime" })
            {
                var ratios = r.Pairs.Select(p => (t.Find(engine, p.Channel.Label)?.Latency.Stats.Median, t.Find(engine, p.Layer.Label)?.Latency.Stats.Median))
                    .Where(x => x.Item1 is not null && x.Item2 is not null).Select(x => x.Item1!.Value / x.Item2!.Value).ToList();
                if (ratios.Count > 0)
                    md.AppendLine(Inv($"- batch {t.Batch}, {engine}: {Math.Exp(ratios.Average(Math.Log)):F2}"));
            }
        md.AppendLine();
    }

    private static string Direction(Difference d, string claim, string against) => d switch
    {
        Difference.FavoursClaim => claim + ", beyond the noise.",
        Difference.AgainstClaim => against + ", beyond the noise — against the claim.",
        _ => "within the noise: no difference can be claimed.",
    };

    private static void Layers(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Per-layer latency").AppendLine();
        md.AppendLine("Median µs per forward pass of each top-level layer: the sum of the medians of its kernels, timed one by one " +
            "(per-kernel timers add a little to each), so the rows add up to the sum of kernel times, not to the end-to-end latency. " +
            "— : the layer is not in that model (removed by layer pruning).").AppendLine();
        var layers = r.BaselineLayers;
        foreach (int b in r.Options.BatchSizes)
        {
            md.AppendLine($"### Batch {b}").AppendLine();
            var perVariant = r.Variants.Select(v => LayerBreakdown.Microseconds(v.Profile.At(b).Kernels, layers)).ToList();
            var names = layers.Concat(perVariant.SelectMany(d => d.Keys).Where(k => !layers.Contains(k)).Distinct()).ToList();
            var header = new List<string> { "layer" };
            header.AddRange(r.Variants.Select(v => v.Label));
            var rows = names.Select(n => new List<string> { n }.Concat(perVariant.Select(d => d.TryGetValue(n, out var us) ? Units.Micros(us) : "—")).ToList()).ToList();
            rows.Add(["sum of kernels", .. r.Variants.Select(v => Units.Micros(v.Profile.At(b).KernelSum?.Median ?? double.NaN))]);
            rows.Add(["end-to-end", .. r.Variants.Select(v => Units.Micros(v.Profile.At(b).EndToEnd.Median))]);
            Table(md, header, rows);
        }
    }

    private static void Notes(StringBuilder md, CompareResults r)
    {
        var notes = r.Variants.Where(v => v.Notes.Count > 0).ToList();
        if (notes.Count == 0 && r.Skipped.Count == 0) return;
        md.AppendLine("## Notes").AppendLine();
        foreach (var s in r.Skipped) md.AppendLine($"- {s}");
        foreach (var v in notes)
            foreach (var n in v.Notes) md.AppendLine($"- {v.Label}: {n}");
        md.AppendLine();
    }

    private static void Timings(StringBuilder md, CompareResults r)
    {
        md.AppendLine("## Timings").AppendLine();
        var rows = r.Timings.Select(t => new List<string> { t.Phase, Units.Number(t.WallSeconds), Units.Number(t.CpuSeconds) }).ToList();
        rows.Add(["total", Units.Number(r.Timings.Sum(t => t.WallSeconds)), Units.Number(r.Timings.Sum(t => t.CpuSeconds))]);
        Table(md, ["phase", "wall s", "CPU s"], rows);
    }

    private static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        md.AppendLine();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
