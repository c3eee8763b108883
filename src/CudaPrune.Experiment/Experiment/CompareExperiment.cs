using System.Globalization;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Profiling.Latency;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Targets;

using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment;

/// <summary>
/// The channel-vs-layer experiment: train (or load) a baseline; per FLOPs budget, prune it by layers, then
/// by channels to the FLOPs the layer-pruned model landed on (whole blocks cannot hit a budget exactly);
/// evaluate each, fine-tune it, evaluate it again and save it; then profile every evaluated model, the
/// baseline too, back to back at each batch size on the same backend and kernels.
/// </summary>
public sealed class CompareExperiment(CompareSettings options, IBackend backend, ICompareProgress progress)
{
    private readonly CompareSettings _options = options.Validated();
    private readonly PhaseClock _clock = new();

    public CancellationToken Cancel { get; init; }

    /// <param name="train">The training split (cut to the options' subset here).</param>
    /// <param name="test">The test split (cut to the options' subset here).</param>
    /// <param name="dataset">How results on this data must be labelled ("CIFAR-10 (JPEG copy)").</param>
    /// <param name="modelsFolder">Where the evaluated models are saved (runs/NAME/models).</param>
    public CompareResults Run(CifarDataset train, CifarDataset test, string dataset, string modelsFolder)
    {
        using var device = ProfilingDevice.For(backend);
        var run = RunInfo.Start(device.Description, backend.Name, device.Driver);
        train = Subset(train, _options.TrainSubset, "--train-subset");
        test = Subset(test, _options.TestSubset, "--test-subset");
        var live = new List<(VariantSeed Seed, Model Model)>();
        Model? baseline = null;
        try
        {
            baseline = _clock.Time("baseline", () => MakeBaseline(train, test, modelsFolder));
            bool loaded = _options.Baseline is not null;
            string checkpoint = loaded ? _options.Baseline! : Path.Combine(modelsFolder, "baseline.safetensors");
            live.Add((new VariantSeed(VariantMethod.Baseline, null, "", BaselineAccuracy(baseline, test), [], checkpoint), baseline));
            var skipped = new List<string>();
            var calibration = NeedsCalibration ? CalibrationSet.From(train, _options.CalibrationBatches, _options.CalibrationBatchSize, _options.Seed) : null;
            foreach (double budget in _options.Budgets)
                _clock.Time(FormattableString.Invariant($"prune + fine-tune {budget:0.00}"), () => PruneBudget(baseline, budget, calibration, train, test, modelsFolder, live, skipped));

            var profiles = _clock.Time("profile", () => ProfileAll(device, live));
            var variants = live.Select((l, i) => l.Seed.Complete(l.Model, baseline.Spec, test.Count, profiles[i])).ToList();
            var results = new CompareResults(_options, baseline.Spec.Name, LayerBreakdown.Layers(baseline.Spec), dataset, train.Count, test.Count,
                loaded ? $"loaded from {Path.GetFullPath(checkpoint)}" : $"trained for {_options.Epochs} epoch(s)",
                run.Finished(), variants, skipped, [], _clock.Phases);
            return results with { Claims = ClaimEvaluation.Evaluate(results.Pairs, _options.BatchSizes) };
        }
        finally
        {
            baseline?.Dispose();
            foreach (var (_, model) in live) model.Dispose();
        }
    }

    private bool NeedsCalibration => CriterionNames.NeedsData(_options.ChannelCriterion) || CriterionNames.NeedsData(_options.LayerCriterion);

    private CifarDataset Subset(CifarDataset data, int? size, string option)
    {
        if (size is not int n) return data;
        if (n > data.Count) throw new ArgumentException($"{option} {n} is more than the {data.Count:N0} images of the split");
        return BalancedSubset.Of(data, n, _options.Seed);
    }

    private Model MakeBaseline(CifarDataset train, CifarDataset test, string modelsFolder)
    {
        if (_options.Baseline is { } path)
        {
            progress.Phase($"baseline: loading {path}");
            var loaded = Checkpoint.Load(path, backend);
            if (_options.Model is { } name && !string.Equals(loaded.Spec.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                loaded.Dispose();
                throw new ArgumentException($"--baseline {path} holds a {loaded.Spec.Name}, not the --model {name} asked");
            }
            return loaded;
        }
        var spec = ModelZoo.Create(_options.Model!);
        var stats = ModelStats.Compute(spec);
        progress.Phase(string.Create(CultureInfo.InvariantCulture,
            $"baseline: training {spec.Name} ({stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image) for {_options.Epochs} epoch(s) on {train.Count:N0} images"));
        var model = ModelBuilder.Build(spec, backend, _options.Seed);
        try
        {
            var summary = Fit(model, _options.Epochs, _options.LearningRate, train, test);
            Checkpoint.Save(model, Path.Combine(modelsFolder, "baseline.safetensors"), Metadata("baseline", null, summary.TestAccuracy));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private double BaselineAccuracy(Model baseline, CifarDataset test)
    {
        double accuracy = Evaluator.Evaluate(baseline, test).Accuracy;
        progress.Phase(FormattableString.Invariant($"baseline: test accuracy {accuracy:P2} on {test.Count:N0} images"));
        return accuracy;
    }

    private void PruneBudget(Model baseline, double budget, CalibrationSet? calibration, CifarDataset train, CifarDataset test,
        string modelsFolder, List<(VariantSeed, Model)> live, List<string> skipped)
    {
        Cancel.ThrowIfCancellationRequested();
        string criterion = CriterionNames.Name(_options.LayerCriterion);
        progress.Phase(FormattableString.Invariant($"budget {budget:0.00}: layer pruning ({criterion}) to {budget:P0} of the FLOPs"));
        PruneResult layer;
        try
        {
            layer = LayerPruner.Prune(baseline, new LayerPruneOptions
            {
                Criterion = _options.LayerCriterion,
                Target = PruneTarget.Flops(budget),
                Calibration = calibration,
                Seed = _options.Seed,
                DisposeSource = false,
            });
        }
        catch (Exception e) when (e is TargetUnreachableException or ArgumentException)
        {
            skipped.Add(FormattableString.Invariant($"budget {budget:0.00}: layer pruning cannot reach it ({e.Message}); no pair at this budget"));
            progress.Phase(skipped[^1]);
            return;
        }
        FineTune(layer, VariantMethod.Layer, budget, train, test, modelsFolder, live);

        progress.Phase(FormattableString.Invariant(
            $"budget {budget:0.00}: channel pruning ({CriterionNames.Name(_options.ChannelCriterion)}) to the layer-pruned model's {layer.FlopsKept:P1} of the FLOPs"));
        PruneResult channel;
        try
        {
            channel = ChannelPruner.Prune(baseline, new ChannelPruneOptions
            {
                Criterion = _options.ChannelCriterion,
                Target = PruneTarget.Flops(layer.FlopsKept),
                Calibration = calibration,
                Seed = _options.Seed,
                DisposeSource = false,
            });
        }
        catch (Exception e) when (e is TargetUnreachableException or ArgumentException)
        {
            skipped.Add(FormattableString.Invariant($"budget {budget:0.00}: channel pruning cannot match the layer-pruned model's FLOPs ({e.Message}); no pair at this budget"));
            progress.Phase(skipped[^1]);
            var (_, unpaired) = live[^1]; // the layer-pruned model of this budget has no partner: leave it out
            live.RemoveAt(live.Count - 1);
            unpaired.Dispose();
            return;
        }
        FineTune(channel, VariantMethod.Channel, budget, train, test, modelsFolder, live);
    }

    /// <summary>Evaluates the pruned model, fine-tunes it, evaluates and saves it; adds it to <paramref name="live"/>.</summary>
    private void FineTune(PruneResult pruned, VariantMethod method, double budget, CifarDataset train, CifarDataset test,
        string modelsFolder, List<(VariantSeed, Model)> live)
    {
        var model = pruned.Model;
        try
        {
            string name = method.ToString().ToLowerInvariant();
            double before = Evaluator.Evaluate(model, test).Accuracy;
            progress.Phase(FormattableString.Invariant(
                $"{name} {budget:0.00}: {pruned.After.Params:N0} params ({pruned.ParamsKept:P1}), {pruned.FlopsKept:P1} of the FLOPs; test accuracy before fine-tuning {before:P2}"));
            double after = before;
            if (_options.FinetuneEpochs > 0)
            {
                after = Fit(model, _options.FinetuneEpochs, _options.FinetuneLearningRate, train, test).TestAccuracy;
                progress.Phase(FormattableString.Invariant($"{name} {budget:0.00}: after {_options.FinetuneEpochs} epoch(s) of fine-tuning {after:P2}"));
            }
            var path = Path.Combine(modelsFolder, FormattableString.Invariant($"{name}-{budget:0.00}.safetensors"));
            Checkpoint.Save(model, path, Metadata(name, budget, after));
            live.Add((new VariantSeed(method, budget, pruned.Criterion, after, pruned.Notes, path) { AccuracyBefore = before }, model));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private TrainingSummary Fit(Model model, int epochs, float learningRate, CifarDataset train, CifarDataset test)
    {
        var options = new TrainOptions
        {
            Epochs = epochs,
            LearningRate = learningRate,
            BatchSize = Math.Min(_options.TrainBatch, train.Count),
            Seed = _options.Seed,
        };
        var summary = progress.Train(reporter => new Trainer(model, options, reporter).Fit(train, test, Cancel));
        model.Eval();
        return summary;
    }

    /// <summary>Every model at each batch size, their runs interleaved, so that a drift of the machine touches all of them alike.</summary>
    private List<ModelProfile> ProfileAll(ProfilingDevice device, List<(VariantSeed Seed, Model Model)> models)
    {
        var profiler = new LatencyProfiler(device, _options.Profile) { Cancel = Cancel };
        var perModel = models.Select(_ => new List<BatchProfile>()).ToList();
        foreach (int batch in _options.BatchSizes)
        {
            progress.Phase($"profiling {models.Count} models at batch {batch}, runs interleaved");
            var profiles = profiler.Profile(models.Select(m => m.Model).ToList(), batch);
            for (int i = 0; i < models.Count; i++)
            {
                var p = profiles[i];
                perModel[i].Add(p);
                progress.Phase(string.Create(CultureInfo.InvariantCulture,
                    $"  {models[i].Seed.Label,-13} batch {batch}: {p.EndToEnd.Median / 1000:F3} ms (p10 {p.EndToEnd.P10 / 1000:F3}, p90 {p.EndToEnd.P90 / 1000:F3}, {p.EndToEnd.Count} runs)")
                    + (p.Graph is { } g ? string.Create(CultureInfo.InvariantCulture, $", graph {g.Median / 1000:F3} ms") : ""));
            }
        }
        return models.Select((m, i) => new ModelProfile(m.Model.Spec.Name, device.Description, device.Peaks, _options.Profile.FoldBatchNorm, _options.Profile, perModel[i])).ToList();
    }

    private Dictionary<string, string> Metadata(string method, double? budget, double accuracy)
    {
        var m = new Dictionary<string, string>
        {
            ["compare.method"] = method,
            ["compare.seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture),
        };
        if (budget is double b) m["compare.budget"] = b.ToString("R", CultureInfo.InvariantCulture);
        return m;
    }

    /// <summary>What is known of a variant before it is profiled.</summary>
    private sealed record VariantSeed(VariantMethod Method, double? Budget, string Criterion, double AccuracyAfter, IReadOnlyList<string> Notes, string Checkpoint)
    {
        public double? AccuracyBefore { get; init; }

        public string Label => Budget is double b ? FormattableString.Invariant($"{Method.ToString().ToLowerInvariant()} {b:0.00}") : "baseline";

        public VariantResult Complete(Model model, ModelSpec baseline, int testImages, ModelProfile profile)
        {
            var stats = ModelStats.Compute(model.Spec);
            var reference = ModelStats.Compute(baseline);
            return new VariantResult(Method, Budget, Criterion, stats.Params, stats.Flops, (double)stats.Flops / reference.Flops,
                (double)stats.Params / reference.Params, AccuracyBefore ?? AccuracyAfter, AccuracyAfter, testImages, Checkpoint, Notes, profile);
        }
    }
}
