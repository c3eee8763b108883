using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Experiment;
using CudaPrune.Profiling.Reports;
using CudaPrune.Pruning.Criteria;

using CudaPrune.Experiment.Reports;
using CudaPrune.Profiling;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune compare</c>: the channel-vs-layer pruning experiment at matched FLOPs, with accuracy, latency per batch size, a report and plots.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var full = CompareSettings.Full;
        var quick = CompareSettings.Quick;
        var model = new Option<string?>("--model") { Description = $"The model to train as the baseline: {string.Join(", ", Core.Models.ModelZoo.Names)}. Default {full.Model} (not needed with --baseline)." };
        var baseline = new Option<string?>("--baseline") { Description = "Start from this trained checkpoint instead of training a baseline." };
        var budgets = new Option<string?>("--budgets") { Description = $"Comma-separated FLOPs budgets: fractions of the baseline's FLOPs to keep, each in (0,1). Full preset {Join(full.Budgets)}; quick preset {Join(quick.Budgets)}." };
        var criterion = new Option<string>("--criterion") { Description = $"Channel-pruning criterion: {string.Join(", ", CriterionNames.Channel)}.", DefaultValueFactory = _ => "l1" };
        var layerCriterion = new Option<string>("--layer-criterion") { Description = $"Layer-pruning criterion: {string.Join(", ", CriterionNames.Layer)}.", DefaultValueFactory = _ => "output-change" };
        var epochs = new Option<int?>("--epochs") { Description = $"Epochs of baseline training. Full preset {full.Epochs}; quick preset {quick.Epochs}." };
        var finetune = new Option<int?>("--finetune-epochs") { Description = $"Epochs of fine-tuning of every pruned model (0: none). Full preset {full.FinetuneEpochs}; quick preset {quick.FinetuneEpochs}." };
        var lr = new Option<float?>("--lr") { Description = $"Peak learning rate of baseline training (cosine schedule). Full preset {full.LearningRate.ToString(CultureInfo.InvariantCulture)}, half that for a model without batch norm (simplecnn)." };
        var finetuneLr = new Option<float?>("--finetune-lr") { Description = $"Peak learning rate of fine-tuning. Full preset {full.FinetuneLearningRate.ToString(CultureInfo.InvariantCulture)}." };
        var trainBatch = new Option<int?>("--train-batch") { Description = $"Batch size of training and fine-tuning. Full preset {full.TrainBatch}." };
        var trainSubset = new Option<int?>("--train-subset") { Description = $"Train on a class-balanced subset of N training images. Full preset all; quick preset {quick.TrainSubset}." };
        var testSubset = new Option<int?>("--test-subset") { Description = $"Evaluate on a class-balanced subset of N test images. Full preset all; quick preset {quick.TestSubset}." };
        var batchSizes = new Option<string?>("--batch-sizes") { Description = $"Comma-separated batch sizes every model is profiled at. Full preset {string.Join(",", full.BatchSizes)}; quick preset {string.Join(",", quick.BatchSizes)}." };
        var runs = new Option<int?>("--runs") { Description = $"At least this many measured runs per latency. Full preset {full.Profile.Runs}; quick preset {quick.Profile.Runs}." };
        var warmup = new Option<int?>("--warmup") { Description = $"Warm-up runs before each latency measurement. Full preset {full.Profile.Warmup}; quick preset {quick.Profile.Warmup}." };
        var flush = new Option<bool?>("--flush-l2") { Description = $"Also time every model with the cache flushed before each run. Full preset {(full.Profile.FlushL2 ? "on" : "off")}; quick preset off." };
        var noGraph = new Option<bool>("--no-graph") { Description = "Do not time CUDA graph replays (they are timed by default where the device has graphs)." };
        var seed = new Option<int>("--seed") { Description = "The first seed (weights, data order, subsets, calibration, fine-tuning, profiling input); seed i is this + i.", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int?>("--seeds") { Description = $"Independent repetitions (1–20): each trains its own baseline (unless --baseline is given), calibrates its pruning and fine-tunes; accuracies are mean ± 95 % over seeds, pairs are compared per seed. Full preset {full.Seeds}, quick preset {CompareSettings.Quick.Seeds}." };
        var validation = new Option<int?>("--validation") { Description = $"Training images held out (class-balanced; at most a fifth of the training images) for pruning calibration and the baseline's per-epoch accuracy, so the test set is read once per final model; 0: none. Full preset {full.ValidationImages:N0}, quick {CompareSettings.Quick.ValidationImages}." };
        var controls = new Option<string?>("--controls") { Description = "Controls (scratch-trained pruned architectures; layer and channel pruning with one criterion each of l1, taylor, random), first seed only: none, last (the last budget; quick preset) or every (every budget; full preset).", HelpName = "none|last|every" };
        controls.AcceptOnlyFromAmong("none", "last", "every");
        var noIso = new Option<bool>("--no-iso-latency") { Description = "Do not prune by channels to the layer-pruned models' measured latency (iso-latency pairs, one per budget, seed and batch size)." };
        var preset = new Option<string?>("--preset")
        {
            Description = "quick: the CPU preset (resnet20 on 5,000/2,000 images, 3 epochs, 2 of fine-tuning, budgets 0.75,0.5, 2 seeds, batch 1 and 64; about 12 minutes on two cores; proves the pipeline, not the claim). "
                + "gpu: one lent GPU call (resnet20 on all of CIFAR-10, 10 epochs, 3 of fine-tuning, budgets 0.75,0.5,0.3, 2 seeds, batch 1 to 1024; about 8 minutes of an H100, estimated). "
                + "full: literature budgets (resnet56, 160 epochs, 40 of fine-tuning at lr 0.01, budgets 0.9 to 0.3, 3 seeds, batch 1 to 1024; days). "
                + "Default: gpu when the run computes on a CUDA GPU, else quick (and it says so). Options given explicitly override the preset.",
            HelpName = "quick|gpu|full",
        };
        preset.AcceptOnlyFromAmong(CompareDefaults.PresetNames);
        var isQuick = new Option<bool>("--quick") { Description = "Same as --preset quick." };
        var output = new Option<string?>("--out") { Description = "Run folder: report.md, results.json, results.csv, PNG plots, and models/ with every evaluated model. Default: runs/compare-<UTC time>, e.g. runs/compare-20261204-163500." };
        var plan = new Option<bool>("--plan") { Description = "Write the experiment's cell graph (plan.json, and jobs.tsv: one line per cell with its stage, for job arrays) into --out and run nothing. See docs/CLUSTER.md." };
        var cell = new Option<string?>("--cell") { Description = "Run one cell of the plan in --out (its id from jobs.tsv; its dependencies must be finished); the experiment's settings come from plan.json. What a cluster's array task runs.", HelpName = "ID" };
        var report = new Option<bool>("--report") { Description = "Assemble report.md, results.json, results.csv and plots in --out from its finished cells (run nothing); fails naming the cells not finished." };
        var jobs = new Option<int?>("--jobs") { Description = "Cells run at once, each in a process of its own (default 1: all in this process). Latency cells always run alone.", HelpName = "N" };
        var gpus = new Option<string?>("--gpus") { Description = "Comma-separated GPU indices, one cell per GPU at a time (CUDA_VISIBLE_DEVICES of each cell's process); implies --jobs = their number.", HelpName = "0,1,…" };
        var device = DeviceOption.Create();
        var data = new DataOptions();
        var cmd = new Command("compare",
            "The experiment: train (or load) a baseline; per FLOPs budget prune it by layers, then by channels to the same FLOPs; fine-tune both; "
            + "evaluate before and after fine-tuning; profile every model at each batch size; write report.md (does 'layer pruning speeds inference up more, "
            + "channel pruning keeps more accuracy' hold, per batch size, with the noise stated), results.json, results.csv and plots.")
        {
            model, baseline, budgets, criterion, layerCriterion, epochs, finetune, lr, finetuneLr, trainBatch, trainSubset, testSubset, batchSizes,
            runs, warmup, flush, noGraph, seed, seeds, validation, controls, noIso, preset, isQuick, output, device, plan, cell, report, jobs, gpus,
        };
        data.AddTo(cmd, withSubset: false);
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            if (r.GetValue(cell) is { } cellId) return CompareCells.RunCell(RequireOut(r.GetValue(output), "--cell"), cellId, r.GetValue(data.Data), DeviceGiven(r, device));
            if (r.GetValue(report)) return CompareCells.Report(RequireOut(r.GetValue(output), "--report"));
            int jobCount = r.GetValue(jobs) ?? 1;
            if (jobCount < 1) throw new UsageException($"--jobs must be at least 1, got {jobCount}");
            var gpuList = r.GetValue(gpus) is { } g ? CommandRunner.Usage(() => CompareCells.ParseGpus(g)) : null;
            var choice = CommandRunner.Usage(() => CompareDefaults.Preset(r.GetValue(preset), r.GetValue(isQuick), CompareDefaults.ComputesOnGpu(r.GetValue(device)!)));
            if (choice.Note is not null) Console.Error.WriteLine(choice.Note);
            var settings = choice.Settings;
            var baselinePath = r.GetValue(baseline);
            var profile = settings.Profile with
            {
                Runs = r.GetValue(runs) ?? settings.Profile.Runs,
                Warmup = r.GetValue(warmup) ?? settings.Profile.Warmup,
                FlushL2 = r.GetValue(flush) ?? settings.Profile.FlushL2,
                Graph = !r.GetValue(noGraph),
            };
            var options = CommandRunner.Usage(() => (settings with
            {
                Model = r.GetValue(model) ?? (baselinePath is null ? settings.Model : null),
                Baseline = baselinePath,
                Budgets = r.GetValue(budgets) is { } b ? ListOptions.Budgets(b) : settings.Budgets,
                ChannelCriterion = CriterionNames.ParseChannel(r.GetValue(criterion)!),
                LayerCriterion = CriterionNames.ParseLayer(r.GetValue(layerCriterion)!),
                Epochs = r.GetValue(epochs) ?? settings.Epochs,
                FinetuneEpochs = r.GetValue(finetune) ?? settings.FinetuneEpochs,
                LearningRate = r.GetValue(lr) ?? (r.GetValue(model) is { } m && !ModelZoo.Create(m).HasBatchNorm ? settings.LearningRate / 2 : settings.LearningRate),
                FinetuneLearningRate = r.GetValue(finetuneLr) ?? settings.FinetuneLearningRate,
                TrainBatch = r.GetValue(trainBatch) ?? settings.TrainBatch,
                TrainSubset = r.GetValue(trainSubset) ?? settings.TrainSubset,
                TestSubset = r.GetValue(testSubset) ?? settings.TestSubset,
                BatchSizes = r.GetValue(batchSizes) is { } s ? ListOptions.BatchSizes(s, "--batch-sizes") : settings.BatchSizes,
                Seed = r.GetValue(seed),
                Seeds = r.GetValue(seeds) ?? settings.Seeds,
                ValidationImages = r.GetValue(validation) ?? settings.ValidationImages,
                Controls = r.GetValue(controls) switch { "none" => ControlScope.None, "last" => ControlScope.LastBudget, "every" => ControlScope.EveryBudget, _ => settings.Controls },
                IsoLatency = !r.GetValue(noIso) && settings.IsoLatency,
                Profile = profile,
            }).Validated());
            var folder = OutFolder(CompareDefaults.RunFolder(r.GetValue(output), DateTime.UtcNow));
            if (r.GetValue(output) is null) Console.Error.WriteLine($"no --out given: writing to {folder}");
            if (baselinePath is not null) Checkpoint.ReadSpec(baselinePath); // a missing or bad file fails now, not after the data is read

            var source = DataOptions.Locate(r.GetValue(data.Data));
            if (r.GetValue(plan))
            {
                // A named device is planned for without opening it: a cluster's login node has no GPU.
                var kind = CompareCells.NamedDevice(r.GetValue(device)!) ?? OpenKind(r.GetValue(device)!);
                var written = CompareExperiment.PlanFor(options, kind, DataOptions.Label(source), source.Path);
                written.Write(folder);
                CompareCells.DescribePlan(written, folder);
                return 0;
            }
            using var backend = DeviceOption.Open(r.GetValue(device)!);
            var train = DataOptions.Read(source, CifarSplit.Train);
            var test = DataOptions.Read(source, CifarSplit.Test);
            var progress = new ConsoleProgress();
            var results = new CompareExperiment(options, backend, progress)
            {
                Cancel = CommandRunner.Cancellation,
                Jobs = gpuList?.Count ?? jobCount,
                Gpus = gpuList,
                StartCell = (c, gpu) => CompareCells.ChildProcess(folder, c.Id, source.Path, gpu is null ? backend.Kind : Core.Backends.DeviceKind.Cuda),
            }.Run(train, test, DataOptions.Label(source), folder, source.Path);
            WriteReport(results, folder);
            return 0;
        }));
        return cmd;
    }

    /// <summary>Writes the report files and prints the summary.</summary>
    internal static void WriteReport(CompareResults results, string folder)
    {
        var files = CompareReportFiles.Write(results, folder);
        Summarise(results);
        Console.WriteLine($"wrote {string.Join(", ", files.Select(Path.GetFileName))} in {folder} (models in {Path.Combine(folder, "models")})");
    }

    private static Core.Backends.DeviceKind OpenKind(string device)
    {
        using var backend = DeviceOption.Open(device);
        return backend.Kind;
    }

    private static string RequireOut(string? output, string option) =>
        output is null ? throw new UsageException($"{option} needs --out: the run folder holding plan.json") : OutFolder(output);

    /// <summary>The --device value when given on the command line, else null (the plan's device is used).</summary>
    private static string? DeviceGiven(ParseResult r, Option<string> device) =>
        r.GetResult(device) is { Implicit: false } ? r.GetValue(device) : null;

    private static string Join(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The run folder's full path; a file there is refused before any work.</summary>
    private static string OutFolder(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("--out is empty: give a run folder such as runs/compare");
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new ArgumentException($"--out {path} is a file, not a folder");
        return full;
    }

    private static void Summarise(CompareResults r)
    {
        Console.WriteLine();
        foreach (var v in r.Variants)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{v.Label,-13} {v.Params,9:N0} params  {v.FlopsKept,6:P1} FLOPs  acc {v.AccuracyBefore,7:P2} → {v.AccuracyAfter,7:P2}  ")
                + string.Join("  ", r.Options.BatchSizes.Select(b => string.Create(CultureInfo.InvariantCulture,
                    $"b={b} {v.Profile.At(b).EndToEnd.Median / 1000:F3} ms (p90 {v.Profile.At(b).EndToEnd.P90 / 1000:F3})"))));
        if (r.Accuracy is { } a)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accuracy half of the claim: {ClaimEvaluation.Describe(a.Verdict)} (channel − layer {100 * a.Effect:+0.00;-0.00} points on average)"));
        foreach (var c in r.Claims)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"speed half at batch {c.Batch} ({c.Mode}): {ClaimEvaluation.Describe(c.Verdict)} (layer pruning {c.Effect:F2}x as fast as channel pruning)"));
    }

    /// <summary>Phases as time-stamped lines; training runs under the CLI's live progress view.</summary>
    internal sealed class ConsoleProgress : ICompareProgress
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Phase(string message) => Console.WriteLine($"[{_clock.Elapsed:mm\\:ss}] {message}");

        public TrainingSummary Train(Func<ITrainingReporter, TrainingSummary> training) => new TrainingProgressView().Run(training);
    }
}
