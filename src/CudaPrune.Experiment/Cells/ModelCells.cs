using System.Globalization;
using System.Text.Json.Nodes;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// The cells that make models: a baseline (trained, or loaded and evaluated), a pruning (its model before
/// fine-tuning, and its accuracy), a fine-tune, a control trained from scratch. Each writes model.safetensors into its
/// work folder and returns its result; a pruning that cannot reach its target is a result ("skipped"), not a failure.
/// </summary>
internal static class ModelCells
{
    public static (JsonObject Result, IReadOnlyList<string> Outputs) Baseline(CellContext c, CellSpec cell, string work)
    {
        var s = c.Settings;
        Model model;
        string source;
        if (s.Baseline is { } path)
        {
            c.Progress.Phase($"baseline: loading {path}");
            model = Checkpoint.Load(path, c.Backend);
            if (s.Model is { } name && !string.Equals(model.Spec.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                model.Dispose();
                throw new ArgumentException($"--baseline {path} holds a {model.Spec.Name}, not the --model {name} asked");
            }
            source = $"loaded from {Path.GetFullPath(path)}";
        }
        else
        {
            int seed = Seed(cell);
            var spec = ModelZoo.Create(s.Model!);
            var stats = ModelStats.Compute(spec);
            c.Progress.Phase(string.Create(CultureInfo.InvariantCulture,
                $"{cell.Name}: training {spec.Name} ({stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image) for {s.Epochs} epoch(s) on {c.Data.Train.Count:N0} images"));
            model = ModelBuilder.Build(spec, c.Backend, seed);
            source = $"trained for {s.Epochs} epoch(s), one per seed";
        }
        using (model)
        {
            double validation = double.NaN;
            // Its per-epoch accuracy on the validation images: the test set is read once, by the final evaluation.
            if (s.Baseline is null) validation = c.Fit(model, s.Epochs, s.LearningRate, c.Data.Validation, Seed(cell), work).TestAccuracy;
            var evaluated = Evaluator.Evaluate(model, c.Data.Test);
            c.Progress.Phase(FormattableString.Invariant($"{cell.Name}: test accuracy {evaluated.Accuracy:P2} on {c.Data.Test.Count:N0} images"));
            Checkpoint.Save(model, Path.Combine(work, CellContext.ModelFile), CellContext.Metadata("baseline", null, evaluated.Accuracy, cell.Inputs.TryGetValue("seed", out var own) ? int.Parse(own, CultureInfo.InvariantCulture) : s.Seed));
            return (new JsonObject
            {
                ["accuracy"] = evaluated.Accuracy, ["correct"] = CellContext.EncodeCorrect(evaluated.Correct), ["source"] = source,
                ["validation_accuracy"] = double.IsFinite(validation) ? validation : null,
                ["train_images"] = c.Data.Train.Count, ["validation_images"] = c.Data.Validation?.Count ?? 0,
            }, [CellContext.ModelFile]);
        }
    }

    public static (JsonObject Result, IReadOnlyList<string> Outputs) Prune(CellContext c, CellSpec cell, string work)
    {
        string method = cell.Inputs["method"];
        double budget = Number(cell, "budget");
        int seed = Seed(cell);
        string control = cell.Inputs["control"];
        string suffix = control.Length == 0 ? Suffix(c, seed) : "";
        double target = budget;
        if (method == "channel")
        {
            if (c.SkipReason(cell.Dependencies[1]) is { } why) return Skipped($"the layer pruning it matches made no model ({why})");
            target = c.Finished(cell.Dependencies[1]).Result["flops_kept"]!.GetValue<double>();
        }
        using var baseline = c.LoadModel(cell.Dependencies[0]);
        var criterion = cell.Inputs["criterion"];
        var calibration = (method == "layer" ? CriterionNames.NeedsData(CriterionNames.ParseLayer(criterion)) : CriterionNames.NeedsData(CriterionNames.ParseChannel(criterion)))
            ? CalibrationSet.From(c.Data.Validation ?? c.Data.Train, c.Settings.CalibrationBatches, c.Settings.CalibrationBatchSize, seed) : null;
        c.Progress.Phase(method == "layer"
            ? FormattableString.Invariant($"{cell.Name}: layer pruning ({criterion}) to {budget:P0} of the FLOPs")
            : FormattableString.Invariant($"{cell.Name}: channel pruning ({criterion}) to the layer-pruned model's {target:P1} of the FLOPs"));
        PruneResult pruned;
        try
        {
            pruned = method == "layer"
                ? LayerPruner.Prune(baseline, new LayerPruneOptions
                {
                    Criterion = CriterionNames.ParseLayer(criterion), Target = PruneTarget.Flops(budget), Calibration = calibration, Seed = seed, DisposeSource = false,
                })
                : ChannelPruner.Prune(baseline, new ChannelPruneOptions
                {
                    Criterion = CriterionNames.ParseChannel(criterion), Target = PruneTarget.Flops(target), Calibration = calibration, Seed = seed, DisposeSource = false,
                    Ranking = Enum.Parse<ChannelRanking>(cell.Inputs["ranking"], ignoreCase: true), RoundTo = int.Parse(cell.Inputs["round_to"], CultureInfo.InvariantCulture),
                });
        }
        catch (Exception e) when (e is TargetUnreachableException or ArgumentException)
        {
            // A pruning that cannot reach its target is an outcome of the experiment to report, not a failure of the run.
            string what = control.Length > 0 ? $"{control} {budget.ToString("0.00", CultureInfo.InvariantCulture)}" : $"budget {budget.ToString("0.00", CultureInfo.InvariantCulture)}{suffix}";
            string message = method == "layer"
                ? $"{what}: layer pruning cannot reach it ({e.Message}); no pair at this budget"
                : $"{what}: channel pruning cannot match the layer-pruned model's FLOPs ({e.Message}); no pair at this budget";
            c.Progress.Phase(message);
            return Skipped(message);
        }
        return Saved(c, cell, pruned, work, budget, seed);
    }

    // Rounds of timing per candidate in the iso-latency search, and its steps: enough to land within a few per cent.
    private const int IsoRuns = 7, IsoSteps = 7;

    /// <summary>
    /// Channel pruning of the baseline to the FLOPs at which its measured latency at the cell's batch equals the
    /// layer-pruned (fine-tuned) model's: a bisection on the FLOPs kept, each candidate pruned (not fine-tuned) and timed.
    /// </summary>
    public static (JsonObject Result, IReadOnlyList<string> Outputs) IsoLatency(CellContext c, CellSpec cell, string work)
    {
        foreach (var dependency in cell.Dependencies.Skip(1))
            if (c.SkipReason(dependency) is { } why) return Skipped($"no layer/channel pair at this budget ({why})");
        int batch = int.Parse(cell.Inputs["batch"], CultureInfo.InvariantCulture), seed = Seed(cell);
        double budget = Number(cell, "budget");
        var criterion = CriterionNames.ParseChannel(cell.Inputs["criterion"]);
        using var baseline = c.LoadModel(cell.Dependencies[0]);
        using var layer = c.LoadModel(cell.Dependencies[1]);
        var calibration = CriterionNames.NeedsData(criterion)
            ? CalibrationSet.From(c.Data.Validation ?? c.Data.Train, c.Settings.CalibrationBatches, c.Settings.CalibrationBatchSize, seed) : null;
        using var device = Profiling.Latency.ProfilingDevice.For(c.Backend);
        double target = MedianMicroseconds(layer, batch, device, seed);
        double low = 0.02, high = 0.999;
        PruneResult? best = null;
        double bestGap = double.PositiveInfinity;
        for (int step = 0; step < IsoSteps; step++)
        {
            c.Cancel.ThrowIfCancellationRequested();
            double keep = (low + high) / 2;
            PruneResult candidate;
            try
            {
                candidate = ChannelPruner.Prune(baseline, new ChannelPruneOptions
                {
                    Criterion = criterion, Target = PruneTarget.Flops(keep), Calibration = calibration, Seed = seed, DisposeSource = false,
                    Tolerance = 1.0, // any landing point is a valid candidate: the latency decides
                });
            }
            catch (TargetUnreachableException)
            {
                low = keep;
                continue;
            }
            double latency = MedianMicroseconds(candidate.Model, batch, device, seed);
            double gap = Math.Abs(latency / target - 1);
            if (gap < bestGap)
            {
                best?.Model.Dispose();
                (best, bestGap) = (candidate, gap);
            }
            else candidate.Model.Dispose();
            if (latency > target) high = keep; else low = keep;
        }
        if (best is null) throw new TargetUnreachableException($"no channel pruning of {baseline.Spec.Name} could be timed against the layer-pruned model at batch {batch}");
        c.Progress.Phase(FormattableString.Invariant(
            $"{cell.Name}: channel pruning to {best.FlopsKept:P1} of the FLOPs matches the layer-pruned model's latency at batch {batch} (within {bestGap:P1})"));
        return Saved(c, cell, best, work, budget, seed);
    }

    private static double MedianMicroseconds(Model model, int batch, Profiling.Latency.ProfilingDevice device, int seed)
    {
        using var pass = new Profiling.Latency.EndToEndPass(model, batch, device, seed);
        pass.Run(); // warm-up
        var runs = Enumerable.Range(0, IsoRuns).Select(_ => pass.Run()).ToArray();
        return Profiling.Latency.SampleStats.Of(runs).Median;
    }

    /// <summary>The pruned model (not fine-tuned) saved, with its accuracy before fine-tuning.</summary>
    private static (JsonObject, IReadOnlyList<string>) Saved(CellContext c, CellSpec cell, PruneResult pruned, string work, double budget, int seed)
    {
        using var model = pruned.Model;
        double before = Evaluator.Evaluate(model, c.Data.Test).Accuracy;
        c.Progress.Phase(FormattableString.Invariant(
            $"{cell.Name}: {pruned.After.Params:N0} params ({pruned.ParamsKept:P1}), {pruned.FlopsKept:P1} of the FLOPs; test accuracy before fine-tuning {before:P2}"));
        Checkpoint.Save(model, Path.Combine(work, CellContext.ModelFile), CellContext.Metadata(pruned.Method, budget, before, seed));
        return (new JsonObject
        {
            ["criterion"] = pruned.Criterion, ["notes"] = new JsonArray([.. pruned.Notes.Select(n => (JsonNode?)n)]),
            ["flops_kept"] = pruned.FlopsKept, ["params_kept"] = pruned.ParamsKept, ["accuracy_before"] = before,
        }, [CellContext.ModelFile]);
    }

    /// <summary>Fine-tunes the pruning's model, evaluates and saves it.</summary>
    public static (JsonObject Result, IReadOnlyList<string> Outputs) Finetune(CellContext c, CellSpec cell, string work)
    {
        string prune = cell.Dependencies[0];
        if (c.SkipReason(prune) is { } why) return Skipped(why);
        int seed = Seed(cell);
        var epochs = int.Parse(cell.Inputs["epochs"], CultureInfo.InvariantCulture);
        using var model = c.LoadModel(prune);
        if (epochs > 0) c.Fit(model, epochs, float.Parse(cell.Inputs["lr"], CultureInfo.InvariantCulture), null, seed, work);
        var evaluated = Evaluator.Evaluate(model, c.Data.Test);
        c.Progress.Phase(FormattableString.Invariant($"{cell.Name}: after {epochs} epoch(s) of fine-tuning {evaluated.Accuracy:P2}; depth {DepthProfile.Format(model.Spec)}"));
        var pruneResult = c.Finished(prune).Result;
        Checkpoint.Save(model, Path.Combine(work, CellContext.ModelFile), CellContext.Metadata(c.Graph[prune].Inputs.GetValueOrDefault("method", "iso-latency"),
            double.Parse(c.Graph[prune].Inputs["budget"], CultureInfo.InvariantCulture), evaluated.Accuracy, seed));
        return (new JsonObject
        {
            ["accuracy"] = evaluated.Accuracy, ["correct"] = CellContext.EncodeCorrect(evaluated.Correct), ["accuracy_before"] = pruneResult["accuracy_before"]!.GetValue<double>(),
        }, [CellContext.ModelFile]);
    }

    /// <summary>The pruned architecture from random weights, trained for the baseline's and the fine-tuning's epochs together (scratch-B, Liu et al. 2019).</summary>
    public static (JsonObject Result, IReadOnlyList<string> Outputs) Scratch(CellContext c, CellSpec cell, string work)
    {
        string prune = cell.Dependencies[0];
        if (c.SkipReason(prune) is { } why) return Skipped(why);
        int seed = Seed(cell), epochs = int.Parse(cell.Inputs["epochs"], CultureInfo.InvariantCulture);
        c.Progress.Phase($"{cell.Name}: the pruned architecture from random weights, {epochs} epoch(s)");
        using var model = ModelBuilder.Build(Checkpoint.ReadSpec(c.ModelPath(prune)), c.Backend, seed + 1000);
        c.Fit(model, epochs, float.Parse(cell.Inputs["lr"], CultureInfo.InvariantCulture), null, seed, work);
        var evaluated = Evaluator.Evaluate(model, c.Data.Test);
        c.Progress.Phase(FormattableString.Invariant($"{cell.Name}: test accuracy {evaluated.Accuracy:P2}"));
        Checkpoint.Save(model, Path.Combine(work, CellContext.ModelFile), CellContext.Metadata("scratch " + c.Graph[prune].Inputs["method"],
            double.Parse(c.Graph[prune].Inputs["budget"], CultureInfo.InvariantCulture), evaluated.Accuracy, seed));
        return (new JsonObject
        {
            ["accuracy"] = evaluated.Accuracy, ["correct"] = CellContext.EncodeCorrect(evaluated.Correct), ["accuracy_before"] = null,
            ["notes"] = new JsonArray($"trained from scratch for {epochs} epoch(s)"),
        }, [CellContext.ModelFile]);
    }

    private static (JsonObject, IReadOnlyList<string>) Skipped(string why) => (new JsonObject { ["skipped"] = why }, []);

    private static int Seed(CellSpec cell) => int.Parse(cell.Inputs["seed"], CultureInfo.InvariantCulture);

    private static double Number(CellSpec cell, string key) => double.Parse(cell.Inputs[key], CultureInfo.InvariantCulture);

    private static string Suffix(CellContext c, int seed) => c.Settings.Seeds > 1 && seed != c.Settings.Seed ? $" s{seed}" : "";
}
