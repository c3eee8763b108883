using System.Diagnostics;
using System.Globalization;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Experiment.Cells;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Experiment;

/// <summary>
/// The channel-vs-layer experiment: train (or load) a baseline; per FLOPs budget, prune it by layers, then by channels
/// to the FLOPs the layer-pruned model landed on (whole blocks cannot hit a budget exactly); evaluate each, fine-tune
/// it, evaluate it again and save it; then profile every evaluated model, the baseline too, back to back at each batch
/// size on the same backend and kernels. Each of these steps is a cell (<see cref="CompareCellGraph"/>) with its own
/// folder under the run folder's cells/: a rerun on the same folder reuses the finished cells and redoes the rest.
/// </summary>
public sealed class CompareExperiment(CompareSettings options, IBackend backend, ICompareProgress progress)
{
    private readonly CompareSettings _options = options.Validated();

    public CancellationToken Cancel { get; init; }

    /// <summary>Cells run at once, each in a process of its own (1: all in this process).</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>GPUs to spread cells over, one cell per GPU (null or empty: <see cref="Jobs"/> slots on this backend).</summary>
    public IReadOnlyList<int>? Gpus { get; init; }

    /// <summary>How to start the process that runs one cell (<c>compare --out F --cell ID</c>); needed when <see cref="Jobs"/> &gt; 1 or GPUs are given.</summary>
    public Func<CellSpec, int?, ProcessStartInfo>? StartCell { get; init; }

    /// <summary>The code version every cell id includes: the build's version and commit.</summary>
    public static string CodeVersion
    {
        get
        {
            var (version, commit) = RunInfo.Build();
            return $"{version}+{commit}";
        }
    }

    /// <summary>The experiment's plan on a device of kind <paramref name="device"/>: its cells follow from the settings, device, data and code.</summary>
    public static ComparePlan PlanFor(CompareSettings settings, DeviceKind device, string dataset, string? dataPath = null)
    {
        settings = settings.Validated();
        RequireReachableBudgets(settings.Baseline is { } path ? Checkpoint.ReadSpec(path) : ModelZoo.Create(settings.Model!), settings.Budgets);
        string? sha = settings.Baseline is { } b ? CellStore.Sha256(b) : null;
        // A production engine beside ours, on the same cores, interleaved: only where both run on the CPU.
        return new ComparePlan(settings, CodeVersion, device.ToString().ToLowerInvariant(), dataset, sha, device == DeviceKind.Cpu) { DataPath = dataPath };
    }

    /// <param name="train">The training split (cut to the options' subset here).</param>
    /// <param name="test">The test split (cut to the options' subset here).</param>
    /// <param name="dataset">How results on this data must be labelled ("CIFAR-10 (JPEG copy)").</param>
    /// <param name="runFolder">The run folder: plan.json, jobs.tsv, cells/ and models/ go there.</param>
    /// <param name="dataPath">Where the data was found (recorded in plan.json for cells run elsewhere).</param>
    public CompareResults Run(CifarDataset train, CifarDataset test, string dataset, string runFolder, string? dataPath = null)
    {
        var plan = PlanFor(_options, backend.Kind, dataset, dataPath);
        plan.Write(runFolder);
        var graph = plan.Graph();
        var store = new CellStore(runFolder);
        progress.Phase($"plan: {graph.Cells.Count} cells in {graph.Stages().Values.Distinct().Count()} stages (plan.json, jobs.tsv in {runFolder})");
        if (Jobs > 1 || Gpus is { Count: > 0 })
        {
            var start = StartCell ?? throw new InvalidOperationException("running cells in processes of their own needs StartCell");
            new CellScheduler(graph, store, Jobs, Gpus, start, progress) { Cancel = Cancel }.RunAll();
        }
        else
        {
            var context = new CellContext(_options, backend, () => new CompareData(_options, train, test, dataset, progress.Phase), graph, store, progress) { Cancel = Cancel };
            new CellRunner(context).RunAll();
        }
        return CompareAssembler.Assemble(_options, graph, store, runFolder, dataset);
    }

    /// <summary>
    /// Fails before any pruning when layer pruning can reach none of the budgets (simplecnn: removing one conv
    /// already leaves under 20 % of the FLOPs), naming the levels it can reach.
    /// </summary>
    private static void RequireReachableBudgets(ModelSpec spec, IReadOnlyList<double> budgets)
    {
        var levels = ReachableLayerLevels(spec);
        if (levels.Count == 0) return;
        double highest = levels.Max();
        if (budgets.Any(b => b <= highest + PruneTarget.DefaultTolerance)) return;
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"layer pruning of {spec.Name} cannot reach any of the budgets {string.Join(", ", budgets.Select(b => b.ToString("0.00", CultureInfo.InvariantCulture)))}: " +
            $"removing a single layer keeps {string.Join(", ", levels.Order().Select(l => l.ToString("P1", CultureInfo.InvariantCulture)))} of the FLOPs " +
            $"(more removals keep less); give --budgets at or below {highest:0.00}"));
    }

    /// <summary>The FLOPs kept (fraction) after removing each single removable layer or block.</summary>
    public static IReadOnlyList<double> ReachableLayerLevels(ModelSpec spec)
    {
        double flops = ModelStats.Compute(spec).Flops;
        return LayerCandidates.Find(spec, allowDownsample: false, protectFirst: false, protect: [])
            .Select(c => ModelStats.Compute(LayerPlan.Create(spec, [c]).NewSpec).Flops / flops)
            .Distinct().ToList();
    }
}
