using System.Diagnostics;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// Runs independent cells at once, each in its own process (<c>compare --cell ID</c>, the same command a cluster's job
/// array runs), one per slot; with GPUs each slot is a GPU (<c>CUDA_VISIBLE_DEVICES</c>). A latency cell (exclusive)
/// starts only when nothing else runs, and nothing starts beside it. A failed cell stops its dependents, not the
/// cells that do not need it; the run fails at the end naming them.
/// </summary>
/// <param name="start">Makes the process that runs one cell: the cell and the slot's GPU (null on the CPU).</param>
public sealed class CellScheduler(CompareCellGraph graph, CellStore store, int jobs, IReadOnlyList<int>? gpus,
    Func<CellSpec, int?, ProcessStartInfo> start, ICompareProgress progress)
{
    public CancellationToken Cancel { get; init; }

    public int Reused { get; private set; }

    public void RunAll()
    {
        int slots = gpus is { Count: > 0 } ? gpus.Count : jobs;
        if (slots < 1) throw new ArgumentException($"--jobs must be at least 1, got {jobs}");
        var done = new HashSet<string>();
        var failed = new Dictionary<string, string>();
        foreach (var cell in graph.Cells)
        {
            var (record, problem) = store.Finished(cell);
            if (record is not null)
            {
                done.Add(cell.Id);
                Reused++;
                progress.Phase($"reused cell {cell.Name} ({cell.Id}), finished {record.FinishedUtc:yyyy-MM-dd HH:mm:ss} UTC in {record.WallSeconds:F1} s");
            }
            else if (problem.Length > 0) progress.Phase($"cell {cell.Name} ({cell.Id}): {problem}; it will be redone");
        }
        var pending = graph.Cells.Where(c => !done.Contains(c.Id)).ToList();
        var running = new List<(CellSpec Cell, Process Process, int Slot)>();
        var freeSlots = new Queue<int>(Enumerable.Range(0, slots));
        try
        {
            while (pending.Count > 0 || running.Count > 0)
            {
                Cancel.ThrowIfCancellationRequested();
                // Cells whose dependency failed never start.
                foreach (var cell in pending.Where(c => c.Dependencies.Any(failed.ContainsKey)).ToList())
                {
                    pending.Remove(cell);
                    failed[cell.Id] = "a cell it needs failed";
                }
                bool exclusiveRunning = running.Any(r => r.Cell.Exclusive);
                foreach (var cell in pending.Where(c => c.Dependencies.All(done.Contains)).ToList())
                {
                    if (exclusiveRunning || freeSlots.Count == 0) break;
                    if (cell.Exclusive && running.Count > 0) break; // wait for the device to be free; keep the graph's order
                    int slot = freeSlots.Dequeue();
                    int? gpu = gpus is { Count: > 0 } ? gpus[slot] : null;
                    var process = Launch(cell, gpu);
                    running.Add((cell, process, slot));
                    pending.Remove(cell);
                    if (cell.Exclusive) break;
                }
                if (running.Count == 0)
                {
                    if (pending.Count > 0) throw new InvalidOperationException($"cells cannot start (their dependencies never finished): {string.Join(", ", pending.Select(c => c.Name))}");
                    break;
                }
                var finished = WaitAny(running.Select(r => r.Process).ToList());
                var entry = running.First(r => r.Process == finished);
                running.Remove(entry);
                freeSlots.Enqueue(entry.Slot);
                if (finished.ExitCode == 0 && store.Finished(entry.Cell).Record is not null) done.Add(entry.Cell.Id);
                else
                {
                    failed[entry.Cell.Id] = $"exit code {finished.ExitCode}";
                    progress.Phase($"cell {entry.Cell.Name} ({entry.Cell.Id}) failed (exit code {finished.ExitCode}); see {Path.Combine(store.WorkFolder(entry.Cell), "log.txt")}");
                }
                var doneLog = _logs[finished];
                _logs.Remove(finished);
                doneLog.Close();
                finished.Dispose();
            }
        }
        finally
        {
            foreach (var (_, process, _) in running)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
        }
        if (failed.Count > 0)
            throw new InvalidOperationException($"{failed.Count} cell(s) did not finish: {string.Join("; ", failed.Select(kv => $"{graph[kv.Key].Name} ({kv.Value})"))}. Run the same command again to redo them (finished cells are reused)");
    }

    private readonly Dictionary<Process, CellLog> _logs = [];

    /// <summary>A cell's log.txt; lines that arrive after it is closed are dropped.</summary>
    private sealed class CellLog(string path)
    {
        private readonly StreamWriter _writer = new(path, append: true) { AutoFlush = true };
        private bool _closed;

        public void Write(string line)
        {
            lock (_writer)
                if (!_closed) _writer.WriteLine(line);
        }

        public void Close()
        {
            lock (_writer)
            {
                _closed = true;
                _writer.Dispose();
            }
        }
    }

    private Process Launch(CellSpec cell, int? gpu)
    {
        var info = start(cell, gpu);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        if (gpu is int g) info.Environment["CUDA_VISIBLE_DEVICES"] = g.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var work = store.PrepareWork(cell, keep: true);
        var log = new CellLog(Path.Combine(work, "log.txt"));
        var process = new Process { StartInfo = info };
        string prefix = $"[{cell.Name}] ";
        void Line(string? line)
        {
            if (line is null) return;
            log.Write(line);
            progress.Phase(prefix + line);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        _logs[process] = log;
        progress.Phase($"cell {cell.Name} ({cell.Id}): started in a process of its own{(gpu is int gg ? $" on GPU {gg}" : "")}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static Process WaitAny(IReadOnlyList<Process> processes)
    {
        while (true)
        {
            foreach (var p in processes)
                if (p.HasExited)
                {
                    p.WaitForExit(); // drains the redirected output
                    return p;
                }
            Thread.Sleep(100);
        }
    }
}
