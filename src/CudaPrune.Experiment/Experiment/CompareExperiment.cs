using System.Globalization;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Experiment.Engines;
using CudaPrune.Profiling.Latency;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Targets;

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
        RequireReachableBudgets(_options.Baseline is { } path ? Checkpoint.ReadSpec(path) : ModelZoo.Create(_options.Model!));
        train = Subset(train, _options.TrainSubset, "--train-subset");
        test = Subset(test, _options.TestSubset, "--test-subset");
        var (fit, validation) = HoldOut(train);
        train = fit;
        var live = new List<(VariantSeed Seed, Model Model)>();
        var owned = new List<Model>();
        try
        {
            var skipped = new List<string>();
            bool loaded = _options.Baseline is not null;
            Model? shared = null;
            for (int i = 0; i < _options.Seeds; i++)
            {
                int seed = _options.Seed + i;
                string suffix = _options.Seeds > 1 && i > 0 ? $" s{seed}" : "";
                Model baseline;
                if (loaded && shared is not null) baseline = shared;
                else
                {
                    baseline = _clock.Time($"baseline{suffix}", () => MakeBaseline(train, validation, modelsFolder, seed, suffix));
                    owned.Add(baseline);
                    if (loaded) shared = baseline;
                    string checkpoint = loaded ? _options.Baseline! : Path.Combine(modelsFolder, $"baseline{Slug(suffix)}.safetensors");
                    var (accuracy, correct) = BaselineAccuracy(baseline, test, suffix);
                    live.Add((new VariantSeed(VariantMethod.Baseline, null, "", accuracy, [], checkpoint, seed, suffix) { Correct = correct }, baseline));
                }
                var calibration = NeedsCalibration || _options.Controls != ControlScope.None
                    ? CalibrationSet.From(validation ?? train, _options.CalibrationBatches, _options.CalibrationBatchSize, seed) : null;
                for (int bi = 0; bi < _options.Budgets.Count; bi++)
                {
                    double budget = _options.Budgets[bi];
                    _clock.Time(FormattableString.Invariant($"prune + fine-tune {budget:0.00}{suffix}"),
                        () => PruneBudget(baseline, budget, calibration, train, test, modelsFolder, live, skipped, seed, suffix));
                    bool controlled = i == 0 && (_options.Controls == ControlScope.EveryBudget || (_options.Controls == ControlScope.LastBudget && bi == _options.Budgets.Count - 1));
                    if (controlled)
                        _clock.Time(FormattableString.Invariant($"controls {budget:0.00}"),
                            () => Controls(baseline, budget, calibration, train, test, modelsFolder, live, seed));
                }
            }

            var profiles = _clock.Time("profile", () => ProfileAll(device, live, _options.Profile));
            var folded = _options.DeploymentMode
                ? _clock.Time("profile folded", () => ProfileAll(device, live, _options.Profile with { FoldBatchNorm = true })) : null;
            // A production engine beside ours, on the same cores, interleaved: only where both run on the CPU.
            var engines = backend.Kind == DeviceKind.Cpu ? _clock.Time("second engine", () => MeasureEngines(device, live)) : [];
            var reference = live[0].Model.Spec;
            var variants = live.Select((l, i) => l.Seed.Complete(l.Model, reference, test.Count, profiles[i]) with { FoldedProfile = folded?[i] }).ToList();
            var results = new CompareResults(_options, reference.Name, LayerBreakdown.Layers(reference), dataset, train.Count, test.Count,
                loaded ? $"loaded from {Path.GetFullPath(_options.Baseline!)}" : $"trained for {_options.Epochs} epoch(s), one per seed",
                run.Finished(), variants, skipped, [], _clock.Phases);
            return (results with { Engines = engines, ValidationImages = validation?.Count ?? 0 }).Judged();
        }
        finally
        {
            foreach (var model in live.Select(l => l.Model).Concat(owned).Distinct()) model.Dispose();
        }
    }

    private static string Slug(string suffix) => suffix.Replace(' ', '-');

    // A pruning that cannot reach its target is an outcome of the experiment to report, not a failure of the run.
    private static PruneResult? TryPrune(Func<PruneResult> prune, Action<string> unreachable)
    {
        try
        {
            return prune();
        }
        catch (Exception e) when (e is TargetUnreachableException or ArgumentException)
        {
            unreachable(e.Message);
            return null;
        }
    }

    /// <summary>The training split less a class-balanced validation set (at most a fifth of it), and that set; none when 0 are asked.</summary>
    private (CifarDataset Train, CifarDataset? Validation) HoldOut(CifarDataset train)
    {
        int size = Math.Min(_options.ValidationImages, train.Count / 5);
        if (size < 10) return (train, null);
        var held = BalancedSubset.Indices(train.Labels, size, _options.Seed + 7919).ToHashSet();
        var rest = Enumerable.Range(0, train.Count).Where(i => !held.Contains(i)).ToList();
        progress.Phase($"validation: {size:N0} training images held out for calibration and the baseline's per-epoch accuracy; {rest.Count:N0} left to train on");
        return (train.Select(rest), train.Select([.. held.Order()]));
    }

    /// <summary>
    /// The controls of one budget (first seed): both pruned architectures trained from scratch for the baseline's
    /// and the fine-tuning's epochs together (scratch-B, Liu et al. 2019), and layer and channel pruning with the
    /// same criterion for each of l1, taylor and random (the primary pair mixes a data-free and a data-driven one).
    /// </summary>
    private void Controls(Model baseline, double budget, CalibrationSet? calibration, CifarDataset train, CifarDataset test, string modelsFolder,
        List<(VariantSeed, Model)> live, int seed)
    {
        foreach (var method in new[] { VariantMethod.Layer, VariantMethod.Channel })
        {
            var pruned = live.LastOrDefault(l => l.Item1.Method == method && l.Item1.Budget == budget && l.Item1.Seed == seed && l.Item1.Control.Length == 0);
            if (pruned.Item2 is null) continue;
            Cancel.ThrowIfCancellationRequested();
            int epochs = _options.Epochs + _options.FinetuneEpochs;
            progress.Phase(FormattableString.Invariant($"control scratch {method.ToString().ToLowerInvariant()} {budget:0.00}: the pruned architecture from random weights, {epochs} epoch(s)"));
            var model = ModelBuilder.Build(pruned.Item2.Spec, backend, seed + 1000);
            try
            {
                Fit(model, epochs, _options.LearningRate, train, test: null, seed);
                var evaluated = Evaluator.Evaluate(model, test);
                var path = Path.Combine(modelsFolder, FormattableString.Invariant($"scratch-{method.ToString().ToLowerInvariant()}-{budget:0.00}.safetensors"));
                Checkpoint.Save(model, path, Metadata("scratch " + method.ToString().ToLowerInvariant(), budget, evaluated.Accuracy, seed));
                live.Add((new VariantSeed(method, budget, "scratch", evaluated.Accuracy, [$"trained from scratch for {epochs} epoch(s)"], path, seed, "")
                    { Correct = evaluated.Correct, Control = "scratch" }, model));
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        // The fair channel baseline's variants: global ranking, and counts rounded to the kernels' tile row step.
        var primaryLayer = live.LastOrDefault(l => l.Item1.Method == VariantMethod.Layer && l.Item1.Budget == budget && l.Item1.Seed == seed && l.Item1.Control.Length == 0);
        if (primaryLayer.Item2 is not null)
        {
            double flops = (double)ModelStats.Compute(primaryLayer.Item2.Spec).Flops / ModelStats.Compute(baseline.Spec).Flops;
            foreach (var (name, ranking, roundTo) in new[] { ("variant global", ChannelRanking.Global, 1), ("variant round-to 4", ChannelRanking.Uniform, ConvTile.RowStep) })
            {
                Cancel.ThrowIfCancellationRequested();
                var variant = TryPrune(() => ChannelPruner.Prune(baseline, new ChannelPruneOptions
                {
                    Criterion = _options.ChannelCriterion, Target = PruneTarget.Flops(flops), Ranking = ranking, RoundTo = roundTo,
                    Calibration = calibration, Seed = seed, DisposeSource = false,
                }), why => progress.Phase(FormattableString.Invariant($"{name} {budget:0.00}: channel pruning cannot match the layer-pruned model's FLOPs ({why})")));
                if (variant is null) continue;
                FineTune(variant, VariantMethod.Channel, budget, train, test, modelsFolder, live, seed, "", control: name);
            }
        }

        foreach (var (layerCriterion, channelCriterion, name) in new[]
                 {
                     (LayerCriterion.L1, ChannelCriterion.L1, "l1"), (LayerCriterion.Taylor, ChannelCriterion.Taylor, "taylor"),
                     (LayerCriterion.Random, ChannelCriterion.Random, "random"),
                 })
        {
            Cancel.ThrowIfCancellationRequested();
            string control = $"criteria {name}/{name}";
            var layer = TryPrune(() => LayerPruner.Prune(baseline, new LayerPruneOptions
                { Criterion = layerCriterion, Target = PruneTarget.Flops(budget), Calibration = calibration, Seed = seed, DisposeSource = false }),
                why => progress.Phase(FormattableString.Invariant($"{control} {budget:0.00}: layer pruning cannot reach it ({why})")));
            if (layer is null) continue;
            FineTune(layer, VariantMethod.Layer, budget, train, test, modelsFolder, live, seed, "", control: control);
            var channel = TryPrune(() => ChannelPruner.Prune(baseline, new ChannelPruneOptions
                { Criterion = channelCriterion, Target = PruneTarget.Flops(layer.FlopsKept), Calibration = calibration, Seed = seed, DisposeSource = false }),
                why => progress.Phase(FormattableString.Invariant($"{control} {budget:0.00}: channel pruning cannot match ({why})")));
            if (channel is null) continue;
            FineTune(channel, VariantMethod.Channel, budget, train, test, modelsFolder, live, seed, "", control: control);
        }
    }

    /// <summary>Every evaluated model timed by our CPU engine and by ONNX Runtime, interleaved, at each batch size.</summary>
    private List<EngineLatencies> MeasureEngines(ProfilingDevice device, List<(VariantSeed Seed, Model Model)> models)
    {
        using var ours = new CudaPruneEngine(device, _options.Seed);
        using var ort = new OnnxRuntimeEngine(new OnnxRuntimeOptions { Seed = _options.Seed });
        var timer = new InterleavedLatency(new InterleaveOptions
        {
            WarmupRounds = 2,
            MinRounds = _options.IsQuick ? 10 : 30,
            MinSeconds = _options.IsQuick ? 0.5 : 2,
            Seed = _options.Seed,
        }) { Cancel = Cancel };
        var subjects = models.Select(m => new LatencySubject(m.Seed.Label, m.Model)).ToList();
        var tables = new List<EngineLatencies>();
        foreach (int batch in _options.BatchSizes)
        {
            progress.Phase($"second engine: {subjects.Count} models at batch {batch}, ours and {ort.Name} interleaved"
                + (ort.Availability.IsAvailable ? "" : $" ({ort.Name} not available: {ort.Availability.Reason})"));
            tables.Add(EngineComparison.Measure([ours, ort], subjects, batch, timer));
        }
        return tables;
    }

    /// <summary>
    /// Fails before any pruning when layer pruning can reach none of the budgets (simplecnn: removing one conv
    /// already leaves under 20 % of the FLOPs), naming the levels it can reach.
    /// </summary>
    private void RequireReachableBudgets(ModelSpec spec)
    {
        var levels = ReachableLayerLevels(spec);
        if (levels.Count == 0) return;
        double highest = levels.Max();
        if (_options.Budgets.Any(b => b <= highest + PruneTarget.DefaultTolerance)) return;
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"layer pruning of {spec.Name} cannot reach any of the budgets {string.Join(", ", _options.Budgets.Select(b => b.ToString("0.00", CultureInfo.InvariantCulture)))}: " +
            $"removing a single layer keeps {string.Join(", ", levels.Order().Select(l => l.ToString("P1", CultureInfo.InvariantCulture)))} of the FLOPs " +
            $"(more removals keep less); give --budgets at or below {highest:0.00}"));
    }

    /// <summary>The FLOPs kept (fraction) after removing each single removable layer or block.</summary>
    public static IReadOnlyList<double> ReachableLayerLevels(ModelSpec spec)
    {
        double flops = ModelStats.Compute(spec).Flops;
        return LayerCandidates.Find(spec, allowDownsample: false, protectFirst: false, protect: [])
            .Select(c => ModelStats.Compute(LayerPlan.Create(spec, [c]).NewSpec).Flops / flops)
            .Distinct().ToList();
    }

    private bool NeedsCalibration => CriterionNames.NeedsData(_options.ChannelCriterion) || CriterionNames.NeedsData(_options.LayerCriterion);

    private CifarDataset Subset(CifarDataset data, int? size, string option)
    {
        if (size is not int n) return data;
        if (n > data.Count) throw new ArgumentException($"{option} {n} is more than the {data.Count:N0} images of the split");
        return BalancedSubset.Of(data, n, _options.Seed);
    }

    private Model MakeBaseline(CifarDataset train, CifarDataset? validation, string modelsFolder, int seed, string suffix)
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
            $"baseline{suffix}: training {spec.Name} ({stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image) for {_options.Epochs} epoch(s) on {train.Count:N0} images, seed {seed}"));
        var model = ModelBuilder.Build(spec, backend, seed);
        try
        {
            // Its per-epoch accuracy on the validation images: the test set is read once, by the final evaluation.
            var summary = Fit(model, _options.Epochs, _options.LearningRate, train, validation, seed);
            Checkpoint.Save(model, Path.Combine(modelsFolder, $"baseline{Slug(suffix)}.safetensors"), Metadata("baseline", null, summary.TestAccuracy, seed)); // NaN without validation images
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private (double Accuracy, IReadOnlyList<bool> Correct) BaselineAccuracy(Model baseline, CifarDataset test, string suffix)
    {
        var result = Evaluator.Evaluate(baseline, test);
        progress.Phase(FormattableString.Invariant($"baseline{suffix}: test accuracy {result.Accuracy:P2} on {test.Count:N0} images"));
        return (result.Accuracy, result.Correct);
    }

    private void PruneBudget(Model baseline, double budget, CalibrationSet? calibration, CifarDataset train, CifarDataset test,
        string modelsFolder, List<(VariantSeed, Model)> live, List<string> skipped, int seed, string suffix)
    {
        Cancel.ThrowIfCancellationRequested();
        string criterion = CriterionNames.Name(_options.LayerCriterion);
        progress.Phase(FormattableString.Invariant($"budget {budget:0.00}: layer pruning ({criterion}) to {budget:P0} of the FLOPs"));
        var layer = TryPrune(() => LayerPruner.Prune(baseline, new LayerPruneOptions
        {
            Criterion = _options.LayerCriterion,
            Target = PruneTarget.Flops(budget),
            Calibration = calibration,
            Seed = seed,
            DisposeSource = false,
        }), why => skipped.Add(FormattableString.Invariant($"budget {budget:0.00}{suffix}: layer pruning cannot reach it ({why}); no pair at this budget")));
        if (layer is null)
        {
            progress.Phase(skipped[^1]);
            return;
        }
        FineTune(layer, VariantMethod.Layer, budget, train, test, modelsFolder, live, seed, suffix);

        progress.Phase(FormattableString.Invariant(
            $"budget {budget:0.00}: channel pruning ({CriterionNames.Name(_options.ChannelCriterion)}) to the layer-pruned model's {layer.FlopsKept:P1} of the FLOPs"));
        var channel = TryPrune(() => ChannelPruner.Prune(baseline, new ChannelPruneOptions
        {
            Criterion = _options.ChannelCriterion,
            Target = PruneTarget.Flops(layer.FlopsKept),
            Calibration = calibration,
            Seed = seed,
            DisposeSource = false,
        }), why => skipped.Add(FormattableString.Invariant($"budget {budget:0.00}{suffix}: channel pruning cannot match the layer-pruned model's FLOPs ({why}); no pair at this budget")));
        if (channel is null)
        {
            progress.Phase(skipped[^1]);
            var (_, unpaired) = live[^1]; // the layer-pruned model of this budget has no partner: leave it out
            live.RemoveAt(live.Count - 1);
            unpaired.Dispose();
            return;
        }
        FineTune(channel, VariantMethod.Channel, budget, train, test, modelsFolder, live, seed, suffix);

        if (!_options.IsoLatency) return;
        var layerModel = live.Last(l => l.Item1.Method == VariantMethod.Layer).Item2;
        foreach (int batch in _options.BatchSizes)
        {
            Cancel.ThrowIfCancellationRequested();
            var iso = IsoLatencyPrune(baseline, layerModel, batch, calibration, seed);
            progress.Phase(FormattableString.Invariant(
                $"iso-latency b{batch} {budget:0.00}{suffix}: channel pruning to {iso.FlopsKept:P1} of the FLOPs matches the layer-pruned model's latency at batch {batch}"));
            FineTune(iso, VariantMethod.IsoLatency, budget, train, test, modelsFolder, live, seed, suffix, batch);
        }
    }

    // Rounds of timing per candidate in the iso-latency search, and its steps: enough to land within a few per cent.
    private const int IsoRuns = 7, IsoSteps = 7;

    /// <summary>
    /// Channel pruning of <paramref name="baseline"/> to the FLOPs at which its measured latency at <paramref name="batch"/>
    /// equals <paramref name="layer"/>'s: a bisection on the FLOPs kept, each candidate pruned (not fine-tuned) and timed.
    /// </summary>
    private PruneResult IsoLatencyPrune(Model baseline, Model layer, int batch, CalibrationSet? calibration, int seed)
    {
        using var device = ProfilingDevice.For(backend);
        double target = MedianMicroseconds(layer, batch, device, seed);
        double low = 0.02, high = 0.999;
        PruneResult? best = null;
        double bestGap = double.PositiveInfinity;
        for (int step = 0; step < IsoSteps; step++)
        {
            double keep = (low + high) / 2;
            PruneResult candidate;
            try
            {
                candidate = ChannelPruner.Prune(baseline, new ChannelPruneOptions
                {
                    Criterion = _options.ChannelCriterion,
                    Target = PruneTarget.Flops(keep),
                    Calibration = calibration,
                    Seed = seed,
                    DisposeSource = false,
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
        return best ?? throw new TargetUnreachableException($"no channel pruning of {baseline.Spec.Name} could be timed against the layer-pruned model at batch {batch}");
    }

    private double MedianMicroseconds(Model model, int batch, ProfilingDevice device, int seed)
    {
        using var pass = new EndToEndPass(model, batch, device, seed);
        pass.Run(); // warm-up
        var runs = Enumerable.Range(0, IsoRuns).Select(_ => pass.Run()).ToArray();
        return SampleStats.Of(runs).Median;
    }

    /// <summary>Evaluates the pruned model, fine-tunes it, evaluates and saves it; adds it to <paramref name="live"/>.</summary>
    private void FineTune(PruneResult pruned, VariantMethod method, double budget, CifarDataset train, CifarDataset test,
        string modelsFolder, List<(VariantSeed, Model)> live, int seed, string suffix, int? isoBatch = null, string control = "")
    {
        var model = pruned.Model;
        try
        {
            string name = (control.Length > 0 ? control + " " : "") + (method == VariantMethod.IsoLatency ? $"iso-latency b{isoBatch}" : method.ToString().ToLowerInvariant()) + suffix;
            double before = Evaluator.Evaluate(model, test).Accuracy;
            progress.Phase(FormattableString.Invariant(
                $"{name} {budget:0.00}: {pruned.After.Params:N0} params ({pruned.ParamsKept:P1}), {pruned.FlopsKept:P1} of the FLOPs; test accuracy before fine-tuning {before:P2}"));
            if (_options.FinetuneEpochs > 0)
            {
                Fit(model, _options.FinetuneEpochs, _options.FinetuneLearningRate, train, test: null, seed);
            }
            var evaluated = Evaluator.Evaluate(model, test);
            double after = evaluated.Accuracy;
            progress.Phase(FormattableString.Invariant($"{name} {budget:0.00}: after {_options.FinetuneEpochs} epoch(s) of fine-tuning {after:P2}; depth {DepthProfile.Format(model.Spec)}"));
            string file = (control.Length > 0 ? control.Replace(' ', '-').Replace('/', '-') + "-" : "") + (method == VariantMethod.IsoLatency ? $"iso-latency-b{isoBatch}" : method.ToString().ToLowerInvariant());
            var path = Path.Combine(modelsFolder, FormattableString.Invariant($"{file}-{budget:0.00}{Slug(suffix)}.safetensors"));
            Checkpoint.Save(model, path, Metadata(method.ToString().ToLowerInvariant(), budget, after, seed));
            live.Add((new VariantSeed(method, budget, pruned.Criterion, after, pruned.Notes, path, seed, suffix) { AccuracyBefore = before, Correct = evaluated.Correct, IsoBatch = isoBatch, Control = control }, model));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private TrainingSummary Fit(Model model, int epochs, float learningRate, CifarDataset train, CifarDataset? test, int seed)
    {
        var options = new TrainOptions
        {
            Epochs = epochs,
            LearningRate = learningRate,
            BatchSize = Math.Min(_options.TrainBatch, train.Count),
            Seed = seed,
        };
        var summary = progress.Train(reporter => new Trainer(model, options, reporter).Fit(train, test, Cancel));
        model.Eval();
        return summary;
    }

    /// <summary>Every model at each batch size, their runs interleaved, so that a drift of the machine touches all of them alike.</summary>
    private List<ModelProfile> ProfileAll(ProfilingDevice device, List<(VariantSeed Seed, Model Model)> models, ProfileOptions options)
    {
        var profiler = new LatencyProfiler(device, options) { Cancel = Cancel };
        var perModel = models.Select(_ => new List<BatchProfile>()).ToList();
        foreach (int batch in _options.BatchSizes)
        {
            progress.Phase($"profiling {models.Count} models at batch {batch}{(options.FoldBatchNorm ? ", batch norms folded" : "")}, runs interleaved");
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
        return models.Select((m, i) => new ModelProfile(m.Model.Spec.Name, device.Description, device.Peaks, options.FoldBatchNorm, options, perModel[i])).ToList();
    }

    private static Dictionary<string, string> Metadata(string method, double? budget, double accuracy, int seed)
    {
        var m = new Dictionary<string, string>
        {
            ["compare.method"] = method,
            ["compare.seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture),
        };
        if (budget is double b) m["compare.budget"] = b.ToString("R", CultureInfo.InvariantCulture);
        return m;
    }

    /// <summary>What is known of a variant before it is profiled.</summary>
    private sealed record VariantSeed(VariantMethod Method, double? Budget, string Criterion, double AccuracyAfter, IReadOnlyList<string> Notes, string Checkpoint,
        int Seed, string Suffix)
    {
        public double? AccuracyBefore { get; init; }

        public IReadOnlyList<bool> Correct { get; init; } = [];

        public int? IsoBatch { get; init; }

        public string Control { get; init; } = "";

        public string Label => (Control.Length > 0 ? Control + " " : "") + (Budget is double b
            ? FormattableString.Invariant($"{(Method == VariantMethod.IsoLatency ? "iso-latency" : Method.ToString().ToLowerInvariant())}{(IsoBatch is int ib ? $" b{ib}" : "")} {b:0.00}")
            : "baseline") + Suffix;

        public VariantResult Complete(Model model, ModelSpec baseline, int testImages, ModelProfile profile)
        {
            var stats = ModelStats.Compute(model.Spec);
            var reference = ModelStats.Compute(baseline);
            return new VariantResult(Method, Budget, Criterion, stats.Params, stats.Flops, (double)stats.Flops / reference.Flops,
                (double)stats.Params / reference.Params, AccuracyBefore ?? AccuracyAfter, AccuracyAfter, testImages, Checkpoint, Notes, profile)
            {
                Seed = Seed,
                SeedSuffix = Suffix,
                IsoBatch = IsoBatch,
                Control = Control,
                Correct = Correct,
                DepthProfile = Pruning.Layers.DepthProfile.Format(Pruning.Layers.DepthProfile.Of(model.Spec, baseline)),
            };
        }
    }
}
