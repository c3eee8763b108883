using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// Runs cells in this process: a finished cell whose outputs check out is reused (and said so); a missing, failed or
/// corrupt one is (re)done from its work folder, where a killed training cell left its last epoch's resume file.
/// </summary>
public sealed class CellRunner(CellContext context)
{
    public int Reused { get; private set; }

    public int Ran { get; private set; }

    /// <summary>Every cell of the graph, in its order.</summary>
    public void RunAll()
    {
        foreach (var cell in context.Graph.Cells) Ensure(cell);
        context.Progress.Phase($"cells: {Reused} reused, {Ran} run, {context.Graph.Cells.Count} in all");
    }

    /// <summary>The cell's finished record: reused when it is finished and intact, else run now (its dependencies must be finished).</summary>
    public CellRecord Ensure(CellSpec cell)
    {
        var store = context.Store;
        var (record, problem) = store.Finished(cell);
        if (record is not null)
        {
            Reused++;
            context.Progress.Phase($"reused cell {cell.Name} ({cell.Id}), finished {record.FinishedUtc:yyyy-MM-dd HH:mm:ss} UTC in {record.WallSeconds:F1} s");
            return record;
        }
        if (problem.Length > 0)
        {
            context.Progress.Phase($"cell {cell.Name} ({cell.Id}): {problem}; redoing it");
            store.Discard(cell);
        }
        var missing = cell.Dependencies.Where(d => store.Finished(context.Graph[d]).Record is null).Select(d => context.Graph[d].Name).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"cell {cell.Name} ({cell.Id}) needs cells that are not finished: {string.Join(", ", missing)}");
        context.Cancel.ThrowIfCancellationRequested();
        Ran++;
        return Execute(cell);
    }

    private CellRecord Execute(CellSpec cell)
    {
        var store = context.Store;
        var work = store.PrepareWork(cell, keep: true);
        context.Progress.Phase($"cell {cell.Name} ({cell.Id}): running");
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var started = DateTime.UtcNow;
        long start = Stopwatch.GetTimestamp();
        CellRecord Record(JsonObject result, string? error = null)
        {
            process.Refresh();
            return new CellRecord(cell.Id, cell.Name, cell.Kind, CellRecord.Failed, cell.Inputs, cell.Dependencies, started, DateTime.UtcNow,
                Stopwatch.GetElapsedTime(start).TotalSeconds, (process.TotalProcessorTime - cpu0).TotalSeconds, Environment.MachineName,
                context.Backend.Name, new Dictionary<string, string>(), result, error);
        }
        (JsonObject Result, IReadOnlyList<string> Outputs) done;
        try
        {
            done = cell.Kind switch
            {
                CellKinds.Baseline => ModelCells.Baseline(context, cell, work),
                CellKinds.Prune => ModelCells.Prune(context, cell, work),
                CellKinds.IsoLatency => ModelCells.IsoLatency(context, cell, work),
                CellKinds.Finetune => ModelCells.Finetune(context, cell, work),
                CellKinds.Scratch => ModelCells.Scratch(context, cell, work),
                CellKinds.Profile => LatencyCells.Profile(context, cell, work),
                CellKinds.Engines => LatencyCells.Engines(context, cell, work),
                _ => throw new InvalidOperationException($"unknown cell kind '{cell.Kind}'"),
            };
        }
        catch (Exception e)
        {
            store.RecordFailure(cell, Record(new JsonObject(), e.Message));
            throw;
        }
        var committed = store.Commit(cell, Record(done.Result), done.Outputs);
        context.Progress.Phase($"cell {cell.Name} ({cell.Id}): done in {committed.WallSeconds:F1} s");
        return committed;
    }
}
