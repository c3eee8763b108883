using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Experiment.Cells;

/// <summary>What a running cell may use: the settings, the backend, the data, the graph and the finished cells it depends on.</summary>
public sealed class CellContext(CompareSettings settings, IBackend backend, Func<CompareData> data, CompareCellGraph graph, CellStore store, ICompareProgress progress)
{
    public const string ModelFile = "model.safetensors";
    private CompareData? _data;

    public CompareSettings Settings { get; } = settings;

    public IBackend Backend { get; } = backend;

    public CompareCellGraph Graph { get; } = graph;

    public CellStore Store { get; } = store;

    public ICompareProgress Progress { get; } = progress;

    public CancellationToken Cancel { get; init; }

    /// <summary>The data, read on first use (latency cells never need it).</summary>
    public CompareData Data => _data ??= data();

    /// <summary>The finished record of a dependency (the runner only starts a cell when they all are).</summary>
    public CellRecord Finished(string id)
    {
        var (record, problem) = Store.Finished(Graph[id]);
        return record ?? throw new InvalidOperationException($"cell {Graph[id].Name} ({id}) is not finished{(problem.Length > 0 ? ": " + problem : "")}; run it first");
    }

    /// <summary>Why a dependency made no model (an unreachable pruning, or a skipped cell upstream), or null when it made one.</summary>
    public string? SkipReason(string id) => Finished(id).Result["skipped"]?.GetValue<string>();

    public string ModelPath(string id) => Path.Combine(Store.FinishedFolder(Graph[id]), ModelFile);

    public Model LoadModel(string id) => Checkpoint.Load(ModelPath(id), Backend);

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/>, writing a resume file into <paramref name="work"/>
    /// after every epoch and continuing from it when a killed run left one there.
    /// </summary>
    public TrainingSummary Fit(Model model, int epochs, float learningRate, CifarDataset? validation, int seed, string work)
    {
        var train = Data.Train;
        var options = new TrainOptions { Epochs = epochs, LearningRate = learningRate, BatchSize = Math.Min(Settings.TrainBatch, train.Count), Seed = seed };
        var resume = new ResumeFile(Path.Combine(work, "resume.safetensors"), options.ResumeIdentity());
        var summary = Progress.Train(reporter =>
        {
            var trainer = new Trainer(model, options, reporter) { ResumeFile = resume };
            if (resume.Exists)
            {
                var done = trainer.Resume();
                Progress.Phase($"  resuming from the resume file after epoch {done.Count} of {epochs}");
            }
            return trainer.Fit(train, validation, Cancel);
        });
        model.Eval();
        return summary;
    }

    public static Dictionary<string, string> Metadata(string method, double? budget, double accuracy, int seed)
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

    /// <summary>Per-image answers as a string of 0 and 1 (10,000 characters for the test set).</summary>
    public static string EncodeCorrect(IReadOnlyList<bool> correct)
    {
        var text = new StringBuilder(correct.Count);
        foreach (bool c in correct) text.Append(c ? '1' : '0');
        return text.ToString();
    }

    public static IReadOnlyList<bool> DecodeCorrect(JsonNode? node) => (node?.GetValue<string>() ?? "").Select(c => c == '1').ToArray();
}
