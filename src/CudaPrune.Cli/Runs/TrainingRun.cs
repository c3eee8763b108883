using System.Globalization;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Cli.Runs;

/// <summary>Trains a model and writes its run folder; shared by <c>train</c> and <c>finetune</c>.</summary>
public static class TrainingRun
{
    /// <param name="extraJson">Extra entries for metrics.json (what the run started from, ...); its text entries are part
    /// of the run's identity, which a resumed run must share.</param>
    /// <param name="resume">Continue from the run folder's resume file instead of starting at epoch 1.</param>
    public static TrainingSummary Execute(Model model, TrainOptions options, CifarDataset train, CifarDataset test,
        RunDirectory run, IReadOnlyDictionary<string, object?> extraJson, bool resume = false)
    {
        var stats = ModelStats.Compute(model.Spec);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: {model.Spec.Name}, {stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image; training on {train.Count:N0} images, testing on {test.Count:N0}"));
        var view = new TrainingProgressView();
        var writer = new EpochFileWriter(view, run);
        var trainer = new Trainer(model, options, writer) { ResumeFile = run.ResumeFile(Identity(model, options, train, test, extraJson)) };
        if (resume)
        {
            var done = trainer.Resume();
            writer.Continue(done);
            Console.WriteLine($"resuming from {trainer.ResumeFile.Path}: {done.Count} of {options.Epochs} epoch(s) done");
        }
        var summary = view.Run(reporter => trainer.Fit(train, test, CommandRunner.Cancellation));

        var json = new Dictionary<string, object?>(extraJson)
        {
            ["seed"] = options.Seed,
            ["batch"] = options.BatchSize,
            ["lr"] = options.LearningRate,
            ["schedule"] = options.Schedule,
            ["train_images"] = train.Count,
            ["test_images"] = test.Count,
        };
        run.SaveCheckpoint(model, new Dictionary<string, string>
        {
            ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = summary.TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        });
        run.WriteSummary(summary, model.Spec, json);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test accuracy {summary.TestAccuracy:P2} (loss {summary.TestLoss:F4}) after {summary.Epochs} epoch(s); {summary.TrainImagesPerSecond:F0} training images/s on {summary.Device}"));
        Console.WriteLine($"wrote {run.CheckpointPath}, {RunDirectory.MetricsCsv} and {RunDirectory.MetricsJson} in {run.Path}");
        return summary;
    }

    /// <summary>What a resumed run must share with the interrupted one: every training option, the model, the data.</summary>
    private static Dictionary<string, string> Identity(Model model, TrainOptions options, CifarDataset train, CifarDataset test,
        IReadOnlyDictionary<string, object?> extraJson)
    {
        var identity = options.ResumeIdentity();
        identity["model"] = model.Spec.Name;
        identity["train_images"] = train.Count.ToString(CultureInfo.InvariantCulture);
        identity["test_images"] = test.Count.ToString(CultureInfo.InvariantCulture);
        foreach (var (k, v) in extraJson)
            if (v is string text) identity[k] = text;
        return identity;
    }

    /// <summary>Rewrites metrics.csv after every epoch, so a long run shows its history as it goes.</summary>
    private sealed class EpochFileWriter(ITrainingReporter inner, RunDirectory run) : ITrainingReporter
    {
        private readonly List<EpochMetrics> _epochs = [];

        /// <summary>Starts from the finished epochs of an interrupted run, so metrics.csv keeps their rows.</summary>
        public void Continue(IEnumerable<EpochMetrics> done) => _epochs.AddRange(done);
        public void OnStep(StepProgress progress) => inner.OnStep(progress);
        public void OnEpoch(EpochMetrics metrics)
        {
            _epochs.Add(metrics);
            run.WriteEpochs(_epochs);
            inner.OnEpoch(metrics);
        }
    }
}
