using System.Text.Json;
using System.Text.Json.Nodes;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// The experiment's results read back from its finished cells (whichever process or machine ran them): the variants in
/// the report's order with their accuracies, per-image answers and profiles, the budgets that could not be matched, and
/// every model copied to models/ under its report name.
/// </summary>
public static class CompareAssembler
{
    public static CompareResults Assemble(CompareSettings settings, CompareCellGraph graph, CellStore store, string runFolder, string dataset)
    {
        var records = new Dictionary<string, CellRecord>();
        var missing = new List<string>();
        foreach (var cell in graph.Cells)
        {
            var (record, problem) = store.Finished(cell);
            if (record is null) missing.Add($"{cell.Name} ({cell.Id}{(problem.Length > 0 ? ": " + problem : ": not run")})");
            else records[cell.Id] = record;
        }
        if (missing.Count > 0)
            throw new InvalidOperationException($"{missing.Count} of the {graph.Cells.Count} cells are not finished: {string.Join("; ", missing)}. Run the same compare command again (finished cells are reused), or run the missing cells with --cell");

        string? Skip(string id) => records[id].Result["skipped"]?.GetValue<string>();
        var skipped = new List<string>();
        var dropped = new HashSet<VariantSlot>();
        foreach (var slot in graph.Variants.Where(v => v.Control.Length == 0 && v.Method == VariantMethod.Layer))
        {
            var channel = graph.Variants.First(v => v.Method == VariantMethod.Channel && v.Control.Length == 0 && v.Budget == slot.Budget && v.Seed == slot.Seed);
            var reason = Skip(slot.PruneCell!) ?? Skip(channel.PruneCell!);
            if (reason is null) continue;
            skipped.Add(reason);
            dropped.Add(slot); // a layer-pruned model without its channel partner is left out
        }

        var profiles = LatencyCells.ReadProfiles(Path.Combine(store.FinishedFolder(graph.Profile!), LatencyCells.ProfilesFile));
        var folded = graph.ProfileFolded is { } f ? LatencyCells.ReadProfiles(Path.Combine(store.FinishedFolder(f), LatencyCells.ProfilesFile)) : null;
        var engines = graph.Engines is { } e ? LatencyCells.ReadEngines(Path.Combine(store.FinishedFolder(e), LatencyCells.EnginesFile)) : [];

        var models = Path.Combine(runFolder, "models");
        Directory.CreateDirectory(models);
        var baselineSlot = graph.Variants[0];
        var reference = Checkpoint.ReadSpec(Path.Combine(store.FinishedFolder(graph[baselineSlot.Cell]), CellContext.ModelFile));
        var referenceStats = ModelStats.Compute(reference);
        var variants = new List<VariantResult>();
        foreach (var slot in graph.Variants)
        {
            if (dropped.Contains(slot) || Skip(slot.Cell) is not null) continue;
            var result = records[slot.Cell].Result;
            var source = Path.Combine(store.FinishedFolder(graph[slot.Cell]), CellContext.ModelFile);
            var checkpoint = Path.Combine(models, slot.CheckpointName);
            CopyAtomically(source, checkpoint);
            var spec = Checkpoint.ReadSpec(source);
            var stats = ModelStats.Compute(spec);
            var prune = slot.PruneCell is { } p && slot.Control != "scratch" ? records[p].Result : null;
            double after = result["accuracy"]!.GetValue<double>();
            var correct = CellContext.DecodeCorrect(result["correct"]);
            var notes = (prune?["notes"] ?? result["notes"]) is JsonArray n ? n.Select(x => x!.GetValue<string>()).ToList() : [];
            variants.Add(new VariantResult(slot.Method, slot.Budget, prune?["criterion"]?.GetValue<string>() ?? (slot.Control == "scratch" ? "scratch" : ""),
                stats.Params, stats.Flops, (double)stats.Flops / referenceStats.Flops, (double)stats.Params / referenceStats.Params,
                result["accuracy_before"]?.GetValue<double>() ?? after, after, correct.Count, checkpoint, notes, profiles[slot.Cell])
            {
                Seed = slot.Seed,
                SeedSuffix = slot.Suffix,
                IsoBatch = slot.IsoBatch,
                Control = slot.Control,
                Correct = correct,
                FoldedProfile = folded?[slot.Cell],
                DepthProfile = Pruning.Layers.DepthProfile.Format(Pruning.Layers.DepthProfile.Of(spec, reference)),
            });
        }

        var baseline = records[baselineSlot.Cell].Result;
        var run = records[graph.Profile!.Id].Result["run"].Deserialize<RunInfo>(LatencyCells.Json)!;
        run = run with { StartedUtc = records.Values.Min(r => r.StartedUtc) };
        var timings = graph.Cells.Select(c => new PhaseTiming(c.Name, records[c.Id].WallSeconds, records[c.Id].CpuSeconds)).ToList();
        var results = new CompareResults(settings, reference.Name, LayerBreakdown.Layers(reference), dataset,
            baseline["train_images"]!.GetValue<int>(), variants[0].TestImages, baseline["source"]!.GetValue<string>(), run, variants, skipped, [], timings);
        return (results with { Engines = engines, ValidationImages = baseline["validation_images"]!.GetValue<int>() }).Judged();
    }

    private static void CopyAtomically(string source, string destination)
    {
        var temp = destination + $".tmp-{Environment.ProcessId}";
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, destination, overwrite: true);
    }
}
