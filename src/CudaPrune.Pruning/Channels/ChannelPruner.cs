using System.Globalization;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Specs;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Pruning.Channels;

/// <summary>
/// Channel pruning: scores the channels of every group of the dependency graph, chooses the kept
/// channels for a ratio or a FLOPs/parameter budget, and compacts the model physically.
/// </summary>
public static class ChannelPruner
{
    /// <summary>Decides which channels to keep (no compaction yet).</summary>
    public static ChannelPlan Plan(Model model, ChannelPruneOptions options)
    {
        var target = options.Target.Validated();
        if (options.RoundTo < 1) throw new ArgumentException($"--round-to must be at least 1, got {options.RoundTo}");
        SpecLeaves.RequireAll(model.Spec, options.Protect, "--protect");
        var graph = DependencyGraph.Build(model.Spec);
        var eligible = Eligible(graph, options);
        if (eligible.Count == 0)
            throw new ArgumentException($"model '{model.Spec.Name}' has no channel group that may be pruned (all are protected, fixed or at their minimum size)");
        var scores = ChannelScores.Compute(model, graph, options.Criterion, eligible, options.Calibration, options.Seed);
        ChannelPlan PlanAt(double ratio) => ChannelSelection.Select(graph, scores, eligible, ratio, options.Global, options.RoundTo);

        ChannelPlan plan;
        if (target.Kind == PruneTargetKind.Ratio) plan = PlanAt(target.Value);
        else
        {
            double original = target.Measure(ModelStats.Compute(model.Spec));
            plan = RatioSearch.Search(PlanAt, p => target.Measure(ModelStats.Compute(p.NewSpec)) / original, target, options.Tolerance,
                $"channel pruning of {model.Spec.Name}{(options.RoundTo > 1 ? $" with --round-to {options.RoundTo}" : "")}");
        }
        if (plan.RemovedChannels == 0)
            throw new ArgumentException($"{target.OptionName} {target.Value.ToString(CultureInfo.InvariantCulture)} removes no channel of '{model.Spec.Name}'{(options.RoundTo > 1 ? $" (with --round-to {options.RoundTo})" : "")}: ask for more");
        return plan;
    }

    /// <summary>Plans and compacts: the pruned model with its report.</summary>
    public static PruneResult Prune(Model model, ChannelPruneOptions options) =>
        Apply(model, Plan(model, options), CriterionNames.Name(options.Criterion), options.Target, options.Seed, options.DisposeSource);

    /// <summary>Compacts <paramref name="model"/> to the channels <paramref name="plan"/> keeps.</summary>
    public static PruneResult Apply(Model model, ChannelPlan plan, string criterion, PruneTarget target, long seed = 1, bool disposeSource = true)
    {
        if (!ReferenceEquals(plan.Graph.Spec, model.Spec) && !plan.Graph.Spec.Equals(model.Spec))
            throw new ArgumentException($"the channel plan was made for another spec than model '{model.Spec.Name}'s");
        var before = ModelStats.Compute(model.Spec);
        long stateBefore = MemoryReport.StateBytes(model);
        long? deviceBefore = MemoryReport.DeviceBytes(model);
        var compaction = plan.ToCompaction(seed);
        var pruned = Compactor.Compact(model, compaction, disposeSource);
        var after = ModelStats.Compute(pruned.Spec);
        return new PruneResult
        {
            Model = pruned,
            Method = "channel",
            Criterion = criterion,
            Target = target,
            Before = before,
            After = after,
            Layers = PruneReport.Compare(before, after, new Dictionary<string, string>()),
            Compaction = compaction,
            Memory = new MemoryReport(stateBefore, MemoryReport.StateBytes(pruned), deviceBefore, MemoryReport.DeviceBytes(pruned)),
            Notes = plan.PrunedGroups.Select(g =>
                    $"group '{g.Name}'{(g.IsResidual ? $" (residual sum of {g.Filters.Count()} convs)" : "")}: {g.Channels} → {plan.Kept[g.Id].Length} channels")
                .Append(PruneReport.TargetNote(target, before, after)).OfType<string>().ToList(),
            Mask = plan.ToMask(),
        };
    }

    private static List<ChannelGroup> Eligible(DependencyGraph graph, ChannelPruneOptions options)
    {
        var firstConv = graph.Nodes.FirstOrDefault(n => n.Role == ChannelRole.ConvOut);
        return graph.PrunableGroups
            .Where(g => !(options.ProtectFirst && firstConv is not null && graph.GroupOf(firstConv) == g))
            .Where(g => !options.Protect.Any(g.Touches))
            .Where(g => ChannelSelection.KeepCount(g.Channels, 0, options.RoundTo) < g.Channels)
            .ToList();
    }
}
