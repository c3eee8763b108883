using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.IO;
using CudaPrune.Core.Models;

namespace CudaPrune.Core.Training;

/// <summary>
/// The output folder of a run (runs/NAME): metrics.csv (one row per epoch, rewritten after each epoch),
/// metrics.json (the summary), model.safetensors (the checkpoint) and resume.safetensors (the state after the
/// last finished epoch, see <see cref="ResumeFile"/>; kept when the run ends). Every file is written atomically.
/// </summary>
public sealed class RunDirectory
{
    public const string MetricsCsv = "metrics.csv";
    public const string MetricsJson = "metrics.json";
    public const string CheckpointFile = "model.safetensors";
    public const string ResumeFileName = "resume.safetensors";

    public RunDirectory(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the output folder (--out) is empty");
        Path = System.IO.Path.GetFullPath(path);
        if (File.Exists(Path)) throw new ArgumentException($"--out {path} is a file, not a folder");
    }

    public string Path { get; }
    public string CheckpointPath => System.IO.Path.Combine(Path, CheckpointFile);

    /// <summary>This run's resume file, for a run identified by <paramref name="identity"/> (options by name).</summary>
    public ResumeFile ResumeFile(IReadOnlyDictionary<string, string> identity) => new(System.IO.Path.Combine(Path, ResumeFileName), identity);

    public void WriteEpochs(IReadOnlyList<EpochMetrics> epochs)
    {
        var csv = new StringBuilder("epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,train_images_per_s,train_seconds,eval_seconds\n");
        foreach (var e in epochs)
            csv.AppendLine(string.Join(",", new object[] { e.Epoch, e.LearningRate, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy,
                e.TrainImagesPerSecond, e.TrainSeconds, e.EvalSeconds }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, MetricsCsv), csv.ToString());
    }

    /// <summary>Writes metrics.json: the summary, the model's size and cost, and whatever <paramref name="extra"/> adds.</summary>
    public void WriteSummary(TrainingSummary summary, ModelSpec spec, IReadOnlyDictionary<string, object?> extra)
    {
        var stats = ModelStats.Compute(spec);
        var json = new JsonObject
        {
            ["model"] = spec.Name,
            ["test_accuracy"] = Finite(summary.TestAccuracy),
            ["test_loss"] = Finite(summary.TestLoss),
            ["train_accuracy"] = Finite(summary.TrainAccuracy),
            ["train_loss"] = Finite(summary.TrainLoss),
            ["epochs"] = summary.Epochs,
            ["train_images_per_s"] = summary.TrainImagesPerSecond,
            ["train_seconds"] = summary.TrainSeconds,
            ["device"] = summary.Device,
            ["params"] = stats.Params,
            ["flops"] = stats.Flops,
        };
        foreach (var (k, v) in extra) json[k] = JsonSerializer.SerializeToNode(v);
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, MetricsJson), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public void SaveCheckpoint(Model model, IReadOnlyDictionary<string, string> metadata) => Checkpoint.Save(model, CheckpointPath, metadata);

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
