using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Data;
using CudaPrune.Experiment;
using CudaPrune.Experiment.Cells;

namespace CudaPrune.Cli.Commands;

/// <summary>
/// The cell side of <c>compare</c>: one cell of a written plan (<c>--cell</c>), the report from finished cells
/// (<c>--report</c>), the plan described, and the process that runs a cell for <c>--jobs</c>/<c>--gpus</c>.
/// </summary>
internal static class CompareCells
{
    /// <summary>Runs (or reuses) one cell of the plan in <paramref name="folder"/>.</summary>
    public static int RunCell(string folder, string id, string? dataPath, string? device)
    {
        var plan = ComparePlan.Read(folder, CompareExperiment.CodeVersion);
        var graph = plan.Graph();
        var cell = graph.Cells.FirstOrDefault(c => c.Id == id)
            ?? throw new UsageException($"--cell {id}: no such cell in {Path.Combine(folder, ComparePlan.PlanFile)} (the ids are in its jobs.tsv)");
        if (device is not null && !device.StartsWith(plan.Device, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--device {device}: the plan in {folder} was made for device {plan.Device}; its cells' results depend on it");
        using var backend = DeviceOption.Open(device ?? plan.Device);
        if (!string.Equals(backend.Kind.ToString(), plan.Device, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"the plan in {folder} was made for device {plan.Device}, but this machine gave {backend.Name}");
        var progress = new CompareCommand.ConsoleProgress();
        CompareData Data()
        {
            var source = DataOptions.Locate(dataPath ?? plan.DataPath);
            if (DataOptions.Label(source) != plan.Dataset)
                throw new InvalidOperationException($"the plan was made on {plan.Dataset}, but the data found is {DataOptions.Label(source)} ({source.Path}); give --data");
            return new CompareData(plan.Settings, DataOptions.Read(source, CifarSplit.Train), DataOptions.Read(source, CifarSplit.Test), plan.Dataset, progress.Phase);
        }
        var context = new CellContext(plan.Settings, backend, Data, graph, new CellStore(folder), progress) { Cancel = CommandRunner.Cancellation };
        new CellRunner(context).Ensure(cell);
        return 0;
    }

    /// <summary>Writes the report of the plan in <paramref name="folder"/> from its finished cells.</summary>
    public static int Report(string folder)
    {
        var plan = ComparePlan.Read(folder, CompareExperiment.CodeVersion);
        var results = CompareAssembler.Assemble(plan.Settings, plan.Graph(), new CellStore(folder), folder, plan.Dataset);
        CompareCommand.WriteReport(results, folder);
        return 0;
    }

    public static void DescribePlan(ComparePlan plan, string folder)
    {
        var graph = plan.Graph();
        var stages = graph.Stages();
        var store = new CellStore(folder);
        int finished = graph.Cells.Count(c => store.Finished(c).Record is not null);
        Console.WriteLine($"plan: {graph.Cells.Count} cells in {stages.Values.Distinct().Count()} stages, {finished} already finished; wrote {Path.Combine(folder, ComparePlan.PlanFile)} and {Path.Combine(folder, ComparePlan.JobsFile)}");
        foreach (var stage in graph.Cells.GroupBy(c => stages[c.Id]).OrderBy(g => g.Key))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stage {stage.Key}: {stage.Count()} cell(s): {string.Join(", ", stage.Select(c => c.Name + (c.Exclusive ? " (alone)" : "")))}"));
        Console.WriteLine($"run a cell: compare --out {folder} --cell ID; the report: compare --out {folder} --report; on Slurm: scripts/slurm/compare-sbatch.sh {folder}");
    }

    /// <summary>The device kind a --device value names (cpu, cuda, cuda:N, emulated), or null for auto (only opening it tells).</summary>
    public static DeviceKind? NamedDevice(string device) => device.ToLowerInvariant() switch
    {
        "cpu" => DeviceKind.Cpu,
        "emulated" => DeviceKind.Emulated,
        var d when d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal) => DeviceKind.Cuda,
        _ => null,
    };

    public static IReadOnlyList<int> ParseGpus(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("--gpus: give GPU indices such as 0,1");
        var gpus = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int g) ? g
            : throw new ArgumentException($"--gpus: '{p}' is not a GPU index (0, 1, …)")).ToList();
        if (gpus.Distinct().Count() != gpus.Count) throw new ArgumentException($"--gpus {text}: a GPU is listed twice");
        return gpus;
    }

    /// <summary>This same program, running <c>compare --out F --cell ID</c>.</summary>
    public static ProcessStartInfo ChildProcess(string folder, string id, string dataPath, DeviceKind device)
    {
        var info = new ProcessStartInfo { FileName = Environment.ProcessPath ?? "dotnet" };
        // Under `dotnet cudaprune.dll` the process is the dotnet host: the entry assembly is the program.
        if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in new[] { "compare", "--out", folder, "--cell", id, "--data", dataPath, "--device", device.ToString().ToLowerInvariant() })
            info.ArgumentList.Add(a);
        return info;
    }
}
