using System.Globalization;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Cli.Runs;

/// <summary>Trains a model and writes its run folder; shared by <c>train</c> and <c>finetune</c>.</summary>
public static class TrainingRun
{
    /// <param name="extraJson">Extra entries for metrics.json (what the run started from, ...).</param>
    public static TrainingSummary Execute(Model model, TrainOptions options, CifarDataset train, CifarDataset test,
        RunDirectory run, IReadOnlyDictionary<string, object?> extraJson)
    {
        var stats = ModelStats.Compute(model.Spec);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: {model.Spec.Name}, {stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image; training on {train.Count:N0} images, testing on {test.Count:N0}"));
        var view = new TrainingProgressView();
        var trainer = new Trainer(model, options, new EpochFileWriter(view, run));
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

    /// <summary>Rewrites metrics.csv after every epoch, so a long run shows its history as it goes.</summary>
    private sealed class EpochFileWriter(ITrainingReporter inner, RunDirectory run) : ITrainingReporter
    {
        private readonly List<EpochMetrics> _epochs = [];
        public void OnStep(StepProgress progress) => inner.OnStep(progress);
        public void OnEpoch(EpochMetrics metrics)
        {
            _epochs.Add(metrics);
            run.WriteEpochs(_epochs);
            inner.OnEpoch(metrics);
        }
    }
}
