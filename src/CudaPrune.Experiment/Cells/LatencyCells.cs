using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Models;
using CudaPrune.Experiment.Engines;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// The latency cells: every model of the experiment profiled at each batch size, runs interleaved (eager, or with
/// batch norms folded), and the second engine timed beside ours. They run alone on their device.
/// </summary>
internal static class LatencyCells
{
    public const string ProfilesFile = "profiles.json";
    public const string EnginesFile = "engines.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    public static (JsonObject Result, IReadOnlyList<string> Outputs) Profile(CellContext c, CellSpec cell, string work)
    {
        bool folded = cell.Inputs["folded"] == "true";
        var options = c.Settings.Profile with { FoldBatchNorm = folded };
        using var device = ProfilingDevice.For(c.Backend);
        var run = RunInfo.Start(device.Description, c.Backend.Name, device.Driver);
        var (slots, models) = LoadModels(c);
        try
        {
            var profiler = new LatencyProfiler(device, options) { Cancel = c.Cancel };
            var perModel = models.Select(_ => new List<BatchProfile>()).ToList();
            foreach (int batch in c.Settings.BatchSizes)
            {
                c.Progress.Phase($"profiling {models.Count} models at batch {batch}{(folded ? ", batch norms folded" : "")}, runs interleaved");
                var profiles = profiler.Profile(models, batch);
                for (int i = 0; i < models.Count; i++)
                {
                    var p = profiles[i];
                    perModel[i].Add(p);
                    c.Progress.Phase(string.Create(CultureInfo.InvariantCulture,
                        $"  {slots[i].Label,-13} batch {batch}: {p.EndToEnd.Median / 1000:F3} ms (p10 {p.EndToEnd.P10 / 1000:F3}, p90 {p.EndToEnd.P90 / 1000:F3}, {p.EndToEnd.Count} runs)")
                        + (p.Graph is { } g ? string.Create(CultureInfo.InvariantCulture, $", graph {g.Median / 1000:F3} ms") : ""));
                }
            }
            var byCell = slots.Select((s, i) => (s.Cell, Profile: new ModelProfile(models[i].Spec.Name, device.Description, device.Peaks, folded, options, perModel[i])))
                .ToDictionary(p => p.Cell, p => p.Profile);
            File.WriteAllText(Path.Combine(work, ProfilesFile), JsonSerializer.Serialize(byCell, Json));
            return (new JsonObject { ["run"] = JsonSerializer.SerializeToNode(run.Finished(), Json) }, [ProfilesFile]);
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    /// <summary>Every model timed by our engine and by ONNX Runtime, interleaved, at each batch size (CPU runs).</summary>
    public static (JsonObject Result, IReadOnlyList<string> Outputs) Engines(CellContext c, CellSpec cell, string work)
    {
        var s = c.Settings;
        using var device = ProfilingDevice.For(c.Backend);
        var (slots, models) = LoadModels(c);
        try
        {
            using var ours = new CudaPruneEngine(device, s.Seed);
            using var ort = new OnnxRuntimeEngine(new OnnxRuntimeOptions { Seed = s.Seed });
            var timer = new InterleavedLatency(new InterleaveOptions
            {
                WarmupRounds = 2,
                MinRounds = s.IsQuick ? 10 : 30,
                MinSeconds = s.IsQuick ? 0.5 : 2,
                Seed = s.Seed,
            }) { Cancel = c.Cancel };
            var subjects = slots.Select((slot, i) => new LatencySubject(slot.Label, models[i])).ToList();
            var tables = new List<EngineLatencies>();
            foreach (int batch in s.BatchSizes)
            {
                c.Progress.Phase($"second engine: {subjects.Count} models at batch {batch}, ours and {ort.Name} interleaved"
                    + (ort.Availability.IsAvailable ? "" : $" ({ort.Name} not available: {ort.Availability.Reason})"));
                tables.Add(EngineComparison.Measure([ours, ort], subjects, batch, timer));
            }
            File.WriteAllText(Path.Combine(work, EnginesFile), JsonSerializer.Serialize(tables, Json));
            return (new JsonObject(), [EnginesFile]);
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    public static IReadOnlyDictionary<string, ModelProfile> ReadProfiles(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, ModelProfile>>(File.ReadAllText(path), Json) ?? throw new FormatException($"{path} holds no profiles");

    public static List<EngineLatencies> ReadEngines(string path) =>
        JsonSerializer.Deserialize<List<EngineLatencies>>(File.ReadAllText(path), Json) ?? throw new FormatException($"{path} holds no engine latencies");

    /// <summary>The models of every variant that made one, in the report's order.</summary>
    private static (List<VariantSlot> Slots, List<Model> Models) LoadModels(CellContext c)
    {
        var slots = c.Graph.Variants.Where(v => c.SkipReason(v.Cell) is null).ToList();
        var models = new List<Model>();
        try
        {
            foreach (var slot in slots) models.Add(c.LoadModel(slot.Cell));
        }
        catch
        {
            foreach (var m in models) m.Dispose();
            throw;
        }
        return (slots, models);
    }
}
