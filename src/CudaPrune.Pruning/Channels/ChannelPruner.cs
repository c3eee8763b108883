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
        if (options.RoundTo < 1) throw new ArgumentException($"channel counts can only be rounded to a multiple of at least 1, got {options.RoundTo}");
        SpecLeaves.RequireAll(model.Spec, options.Protect, "--protect");
        var graph = DependencyGraph.Build(model.Spec);
        var eligible = Eligible(graph, options);
        if (eligible.Count == 0)
            throw new ArgumentException($"model '{model.Spec.Name}' has no channel group that may be pruned (all are protected, fixed or at their minimum size)");
        var scores = ChannelScores.Compute(model, graph, options.Criterion, eligible, options.Calibration, options.Seed);
        ChannelPlan PlanAt(double ratio, bool stagger) => ChannelSelection.Select(graph, scores, eligible, ratio, options.Ranking, options.RoundTo, stagger);

        // Rounding makes the kept cost a staircase in the ratio; it still falls monotonically (counts only
        // shrink, removed sets only grow, as the ratio grows), so the bisection finds the step nearest the
        // target; staggering the groups' ratios makes those steps one group wide (see ChannelSelection.Select).
        ChannelPlan plan;
        if (target.Kind == PruneTargetKind.Ratio) plan = PlanAt(target.Value, stagger: false);
        else
        {
            double original = target.Measure(ModelStats.Compute(model.Spec));
            plan = RatioSearch.Search(r => PlanAt(r, stagger: true), p => target.Measure(ModelStats.Compute(p.NewSpec)) / original, target, options.Tolerance,
                $"channel pruning of {model.Spec.Name}{Variant(options)}");
            // Without rounding the search lands within a fraction of a percent. With it, one group's step
            // can be wider than the tolerance (resnet20's stage-1 stream, 16 → 8 channels, is ~10 % of the
            // FLOPs): a budget comparison must not be served a model that far off, so that is an error.
            double kept = target.Measure(ModelStats.Compute(plan.NewSpec)) / original;
            if (Math.Abs(kept - target.Value) > options.Tolerance)
                throw new TargetUnreachableException(string.Create(CultureInfo.InvariantCulture,
                    $"{target.OptionName} {target.Value:G4} cannot be met within {options.Tolerance:G3}: channel pruning of {model.Spec.Name}{Variant(options)} keeps {kept:P1} of the {RatioSearch.Noun(target)} at best, because rounding moves a whole group by one multiple at once; round to a smaller multiple, rank globally or leave the stem whole"));
        }
        if (plan.RemovedChannels == 0)
            throw new ArgumentException($"{target.OptionName} {target.Value.ToString(CultureInfo.InvariantCulture)} removes no channel of '{model.Spec.Name}'{Variant(options)}: ask for more");
        return plan;
    }

    /// <summary>The stem's group: the one holding the first conv's output channels (null without a conv).</summary>
    public static ChannelGroup? StemGroup(DependencyGraph graph) =>
        graph.Nodes.FirstOrDefault(n => n.Role == ChannelRole.ConvOut) is { } first ? graph.GroupOf(first) : null;

    /// <summary>Plans and compacts: the pruned model with its report.</summary>
    public static PruneResult Prune(Model model, ChannelPruneOptions options)
    {
        var plan = Plan(model, options);
        var result = Apply(model, plan, CriterionNames.Name(options.Criterion), options.Target, options.Seed, options.DisposeSource);
        return result with { Notes = [VariantNote(plan.Graph, options), .. result.Notes] };
    }

    /// <summary>One line for the report: the ranking, the rounding and whether the stem was left whole.</summary>
    private static string VariantNote(DependencyGraph graph, ChannelPruneOptions options)
    {
        var stem = StemGroup(graph);
        string stemText = stem is null || !stem.IsPrunable ? "no prunable stem"
            : options.ProtectStem ? $"stem group '{stem.Name}' ({stem.Channels} channels{(stem.IsResidual ? ", the first stage's residual stream" : "")}) left whole"
            : $"stem group '{stem.Name}' pruned like the others";
        string rounding = options.RoundTo > 1 ? $"counts rounded to multiples of {options.RoundTo}" : "no rounding";
        return $"{options.Ranking.ToString().ToLowerInvariant()} ranking, {rounding}, {stemText}";
    }

    private static string Variant(ChannelPruneOptions options) =>
        (options.Ranking == ChannelRanking.Global ? " with global ranking" : "")
        + (options.RoundTo > 1 ? $" with channel counts rounded to multiples of {options.RoundTo}" : "");

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
        var stem = options.ProtectStem ? StemGroup(graph) : null;
        return graph.PrunableGroups
            .Where(g => g != stem)
            .Where(g => !options.Protect.Any(g.Touches))
            .Where(g => ChannelSelection.MinimumKeep(g.Channels, options.RoundTo) < g.Channels)
            .ToList();
    }
}
