using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.IO;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Specs;
using CudaPrune.Pruning.Targets;
using CudaPrune.Pruning.Verification;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune prune</c>: channel or layer pruning of a checkpoint, with physical compaction, a report and an optional equivalence check.</summary>
public static class PruneCommand
{
    private const int CheckImages = 8;

    public static Command Create()
    {
        var options = new PruneOptionSet();
        var device = DeviceOption.Create();
        var data = new DataOptions();
        var json = JsonOption.Create("the pruning report (prune.json's content and the checkpoint written)");
        var cmd = new Command("prune",
            "Prune a checkpoint: remove channels (--method channel) or whole blocks/layers (--method layer) for a ratio or a FLOPs/parameter budget, "
            + "compact the model physically (smaller tensors gathered on the device) and write it with a per-layer report. "
            + "Criteria that read data (taylor, output-change) and fine-tuning between --steps use the CIFAR-10 training split.") { device, json };
        options.AddTo(cmd);
        data.AddTo(cmd);
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            using var output = JsonOption.Open(r, json);
            return Run(CommandRunner.Usage(() => options.Bind(r)), r.GetValue(device)!, r.GetValue(data.Data), r.GetValue(data.TrainSubset), output);
        }));
        return cmd;
    }

    private static int Run(PruneSettings s, string device, string? dataPath, int? trainSubset, JsonOutput json)
    {
        if (s.Method is null && json.Enabled) throw new UsageException("--json reports a pruned model: give --method and a target too");
        var spec = Checkpoint.ReadSpec(s.Checkpoint); // a bad file fails here, before any data is read
        if (s.ShowGroups)
        {
            Console.Write(DependencyGraph.Build(spec).ToText());
            if (s.Method is null) return 0;
        }
        CommandRunner.Usage(() => { SpecLeaves.RequireAll(spec, s.Protect, "--protect"); return 0; });
        var output = PruneOutput.Resolve(s.Out!, s.Checkpoint);

        CifarDataset? train = null, test = null;
        if (s.CriterionNeedsData || s.FineTunes)
        {
            var source = DataOptions.Locate(dataPath);
            train = DataOptions.ReadTrain(source, trainSubset, s.Seed);
            if (s.FineTunes) test = DataOptions.Read(source, CifarSplit.Test);
        }
        using var backend = DeviceOption.Open(device);
        var model = NonFiniteOption.Load(s.Checkpoint, backend, s.AllowNonFinite);
        try
        {
            var calibration = s.CriterionNeedsData ? CalibrationSet.From(train!, s.CalibrationBatches, s.CalibrationBatchSize, s.Seed) : null;
            if (calibration is not null) Console.WriteLine($"calibration: {calibration.Batches.Count} batch(es), {calibration.ImageCount} training images");
            var original = ModelStats.Compute(model.Spec);
            var results = new List<PruneResult>();
            var checks = new List<EquivalenceResult>();
            for (int step = 1; step <= s.Steps; step++)
            {
                var target = StepSchedule.ForStep(s.Target!, step, s.Steps, KeptSoFar(model, original, s.Target!));
                if (s.Steps > 1) Console.WriteLine($"step {step}/{s.Steps}: {(target is null ? "already at this step's share, nothing to prune" : $"target {target} of the current model")}");
                if (target is null) continue;

                var result = PruneOnce(model, s, target, calibration);
                Print(result);
                if (s.Check) checks.Add(Check(model, result, s)); // disposes the original
                model = result.Model;
                results.Add(result);
                // Measured once the original is gone, in --check mode too.
                Console.WriteLine($"memory: {result.Memory with { DeviceBytesAfter = MemoryReport.DeviceBytes(model) }}");
                if (step < s.Steps && s.FineTunes) FineTune(model, s, train!, test!);
            }
            if (results.Count == 0) throw new ArgumentException("no step pruned anything");
            var report = Save(model, s, output, original, results, checks);
            if (json.Enabled) json.Write(ReportDocument(report, output));
            return 0;
        }
        finally
        {
            model.Dispose();
        }
    }

    /// <summary>For a FLOPs/parameter target, the current model's share of the original's; 1 for a ratio.</summary>
    private static double KeptSoFar(Model model, ModelStats original, PruneTarget target) =>
        target.Kind == PruneTargetKind.Ratio ? 1 : (double)target.Measure(ModelStats.Compute(model.Spec)) / target.Measure(original);

    private static PruneResult PruneOnce(Model model, PruneSettings s, PruneTarget target, CalibrationSet? calibration) => s.IsChannel
        ? ChannelPruner.Prune(model, new ChannelPruneOptions
        {
            Criterion = s.ChannelCriterion,
            Target = target,
            Ranking = s.Ranking,
            RoundTo = s.RoundTo,
            ProtectStem = !s.PruneStem,
            Protect = s.Protect,
            Calibration = calibration,
            Seed = s.Seed,
            DisposeSource = !s.Check,
        })
        : LayerPruner.Prune(model, new LayerPruneOptions
        {
            Criterion = s.LayerCriterion,
            Target = target,
            AllowDownsample = s.AllowDownsample,
            ProtectFirst = s.ProtectFirst,
            Protect = s.Protect,
            Calibration = calibration,
            Seed = s.Seed,
            DisposeSource = !s.Check,
        });

    /// <summary>Compares the pruned model with the masked original (then disposed); a failure stops before anything is written.</summary>
    private static EquivalenceResult Check(Model original, PruneResult result, PruneSettings s)
    {
        try
        {
            if (result.Mask is null)
            {
                Console.WriteLine($"check: not applicable: {result.MaskUnavailableReason}");
                return new EquivalenceResult(double.NaN, double.NaN, 0);
            }
            var images = EquivalenceCheck.RandomImages(original.Spec, CheckImages, s.Seed);
            var check = EquivalenceCheck.Run(original, result.Mask, result.Model, images, CheckImages);
            Console.WriteLine($"check: pruned model vs original with the removed {(s.IsChannel ? "channels" : "residual branches")} zeroed (eval mode): {check}");
            if (!check.Passed)
            {
                result.Model.Dispose();
                throw new InvalidOperationException($"the equivalence check failed ({check.Relative.ToString("G3", CultureInfo.InvariantCulture)} relative > {EquivalenceCheck.Tolerance}): nothing was written");
            }
            return check;
        }
        finally
        {
            original.Dispose();
        }
    }

    private static void Print(PruneResult r)
    {
        Console.WriteLine($"{r.Method} pruning of {r.Before.Spec.Name}, criterion {r.Criterion}, target {r.Target}:");
        foreach (var note in r.Notes) Console.WriteLine($"  {note}");
        Console.Write(PruneReport.ToText(r));
    }

    private static void FineTune(Model model, PruneSettings s, CifarDataset train, CifarDataset test)
    {
        var options = new TrainOptions
        {
            Epochs = s.FinetuneEpochs,
            LearningRate = s.FinetuneLearningRate,
            BatchSize = Math.Min(s.FinetuneBatch, train.Count),
            Seed = s.Seed,
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fine-tuning {options.Epochs} epoch(s), lr {options.LearningRate}, batch {options.BatchSize}"));
        var view = new TrainingProgressView();
        view.Run(reporter => new Trainer(model, options, reporter).Fit(train, test, CommandRunner.Cancellation));
        model.Eval();
    }

    private static string RankingName(ChannelRanking ranking) => ranking.ToString().ToLowerInvariant();

    /// <summary>prune.json's content with where the checkpoint (and the report) went.</summary>
    private static JsonObject ReportDocument(string report, PruneOutput output)
    {
        var document = JsonNode.Parse(report)!.AsObject();
        document["checkpoint"] = output.CheckpointPath;
        document["report"] = output.ReportPath;
        return document;
    }

    /// <summary>Writes the checkpoint (and prune.json for a folder); returns the report's JSON.</summary>
    private static string Save(Model model, PruneSettings s, PruneOutput output, ModelStats original, List<PruneResult> results, List<EquivalenceResult> checks)
    {
        var after = ModelStats.Compute(model.Spec);
        var rebuilt = results.SelectMany(r => r.Layers).Where(l => l.Change.StartsWith("rebuilt", StringComparison.Ordinal)).Select(l => l.Name).Distinct().ToList();
        var notes = results.SelectMany(r => r.Notes).ToList();
        var metadata = new Dictionary<string, string>
        {
            ["prune.method"] = s.Method!,
            ["prune.criterion"] = s.CriterionName,
            ["prune.target"] = s.Target!.ToString(),
            ["prune.steps"] = s.Steps.ToString(CultureInfo.InvariantCulture),
            ["prune.source"] = Path.GetFullPath(s.Checkpoint),
            ["prune.source_model"] = original.Spec.Name,
            ["prune.params_before"] = original.Params.ToString(CultureInfo.InvariantCulture),
            ["prune.params_after"] = after.Params.ToString(CultureInfo.InvariantCulture),
            ["prune.flops_before"] = original.Flops.ToString(CultureInfo.InvariantCulture),
            ["prune.flops_after"] = after.Flops.ToString(CultureInfo.InvariantCulture),
            ["prune.seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (s.IsChannel)
        {
            metadata["prune.ranking"] = RankingName(s.Ranking);
            metadata["prune.round_to"] = s.RoundTo.ToString(CultureInfo.InvariantCulture);
            metadata["prune.protect_stem"] = s.PruneStem ? "false" : "true";
        }
        else metadata["prune.allow_downsample"] = s.AllowDownsample ? "true" : "false";
        if (rebuilt.Count > 0) metadata["prune.reinitialised"] = string.Join(",", rebuilt);
        var passed = checks.Where(c => c.Images > 0).ToList();
        if (passed.Count > 0) metadata["prune.check_max_relative_difference"] = passed.Max(c => c.Relative).ToString("R", CultureInfo.InvariantCulture);

        Checkpoint.Save(model, output.CheckpointPath, metadata);
        var rows = results.Count == 1 ? results[0].Layers : PruneReport.Compare(original, after, rebuilt.ToDictionary(n => n, _ => "re-initialised"));
        if (results.Count > 1)
        {
            Console.WriteLine($"after {results.Count} steps, against the original:");
            Console.Write(PruneReport.ToText(rows, original, after));
        }
        var extra = new Dictionary<string, object?>
        {
            ["source"] = Path.GetFullPath(s.Checkpoint),
            ["steps"] = s.Steps,
            ["check_max_relative_difference"] = passed.Count > 0 ? passed.Max(c => c.Relative) : null,
        };
        if (s.IsChannel)
        {
            extra["ranking"] = RankingName(s.Ranking);
            extra["round_to"] = s.RoundTo;
            extra["protect_stem"] = !s.PruneStem;
        }
        var report = PruneReport.ToJson(s.Method!, s.CriterionName, s.Target, original, after, rows, notes, extra);
        if (output.ReportPath is { } reportPath) AtomicFile.WriteAllText(reportPath, report);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output.CheckpointPath}{(output.ReportPath is null ? "" : $" and {PruneOutput.ReportFile}")}: {after.Params:N0} params ({(double)after.Params / original.Params:P1}), {after.Flops / 1e6:F2} MFLOPs ({(double)after.Flops / original.Flops:P1}) per image"));
        return report;
    }
}
