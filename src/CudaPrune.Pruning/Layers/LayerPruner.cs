using System.Globalization;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Specs;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Pruning.Layers;

/// <summary>
/// Layer pruning: scores the removable blocks (ResNet) or convs (plain networks), removes the least
/// important for a ratio, or greedily in score order for a FLOPs/parameter budget, and compacts the model.
/// </summary>
public static class LayerPruner
{
    /// <summary>Decides which candidates to remove (no compaction yet).</summary>
    public static LayerPlan Plan(Model model, LayerPruneOptions options)
    {
        var target = options.Target.Validated();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinBlocksPerStage, nameof(options.MinBlocksPerStage));
        SpecLeaves.RequireAll(model.Spec, options.Protect, "--protect");
        var spec = model.Spec;
        var candidates = LayerCandidates.Find(spec, options.AllowDownsample, options.ProtectFirst, options.Protect);
        if (candidates.Count == 0)
            throw new ArgumentException($"model '{spec.Name}' has no layer that layer pruning may remove"
                + (spec.Layers.Any(l => l is BasicBlockSpec) && !options.AllowDownsample ? " (its blocks with identity shortcuts are protected or absent; --allow-downsample also lets downsampling blocks go)" : ""));
        var scores = LayerScores.Compute(model, candidates, options.Criterion, options.Calibration, options.Seed);
        // Least important first; equal scores keep the model's order.
        var order = Enumerable.Range(0, candidates.Count).OrderBy(i => scores[i]).ThenBy(i => i).Select(i => candidates[i]).ToList();

        if (target.Kind == PruneTargetKind.Ratio)
        {
            int n = (int)Math.Round(target.Value * candidates.Count, MidpointRounding.AwayFromZero);
            if (n == 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"--ratio {target.Value} of the {candidates.Count} removable layers of '{spec.Name}' removes none: ask for at least {0.5 / candidates.Count:G2}"));
            var chosen = new List<LayerCandidate>();
            foreach (var c in order)
                if (chosen.Count < n && KeepsStageDepth(spec, chosen, c, options.MinBlocksPerStage)) chosen.Add(c);
            if (chosen.Count < n)
                throw new TargetUnreachableException(string.Create(CultureInfo.InvariantCulture,
                    $"--ratio {target.Value} asks to remove {n} of the {candidates.Count} removable layers of '{spec.Name}', but keeping {options.MinBlocksPerStage} block(s) per stage allows only {chosen.Count}"));
            return LayerPlan.Create(spec, InModelOrder(chosen, candidates));
        }
        return Greedy(spec, candidates, order, target, options);
    }

    /// <summary>Plans and compacts: the pruned model with its report.</summary>
    public static PruneResult Prune(Model model, LayerPruneOptions options) =>
        Apply(model, Plan(model, options), CriterionNames.Name(options.Criterion), options.Target, options.Seed, options.DisposeSource);

    /// <summary>Compacts <paramref name="model"/> to the spec of <paramref name="plan"/>.</summary>
    public static PruneResult Apply(Model model, LayerPlan plan, string criterion, PruneTarget target, long seed = 1, bool disposeSource = true)
    {
        if (!plan.Source.Equals(model.Spec)) throw new ArgumentException($"the layer plan was made for another spec than model '{model.Spec.Name}'s");
        var before = ModelStats.Compute(model.Spec);
        long stateBefore = MemoryReport.StateBytes(model);
        long? deviceBefore = MemoryReport.DeviceBytes(model);
        var compaction = plan.ToCompaction(seed);
        var pruned = Compactor.Compact(model, compaction, disposeSource);
        var after = ModelStats.Compute(pruned.Spec);
        var mask = plan.ToMask(out var reason);
        return new PruneResult
        {
            Model = pruned,
            Method = "layer",
            Criterion = criterion,
            Target = target,
            Before = before,
            After = after,
            Layers = PruneReport.Compare(before, after, plan.Rebuilt),
            Compaction = compaction,
            Memory = new MemoryReport(stateBefore, MemoryReport.StateBytes(pruned), deviceBefore, MemoryReport.DeviceBytes(pruned)),
            Notes = Notes(plan, seed).Append(PruneReport.TargetNote(target, before, after)).OfType<string>().ToList(),
            Mask = mask,
            MaskUnavailableReason = reason,
        };
    }

    /// <summary>
    /// Removes candidates in score order, skipping any whose removal does not lower the cost (a plain conv
    /// taking its pooling with it can make the layers after it dearer), until the cost is at or under the
    /// target; keeps the step whose cost is closest to the target. Whole layers are coarse (a resnet20
    /// block is ~11.5 % of its FLOPs): only a target outside the reachable range, by more than the
    /// tolerance, is an error.
    /// </summary>
    private static LayerPlan Greedy(ModelSpec spec, List<LayerCandidate> candidates, List<LayerCandidate> order, PruneTarget target, LayerPruneOptions options)
    {
        double original = target.Measure(ModelStats.Compute(spec));
        var removed = new List<LayerCandidate>();
        var steps = new List<(LayerPlan Plan, double Kept)>();
        double current = 1.0;
        foreach (var c in order)
        {
            if (!KeepsStageDepth(spec, removed, c, options.MinBlocksPerStage)) continue;
            var plan = LayerPlan.Create(spec, InModelOrder(removed.Append(c), candidates));
            double kept = target.Measure(ModelStats.Compute(plan.NewSpec)) / original;
            if (kept >= current) continue;
            removed.Add(c);
            steps.Add((plan, kept));
            current = kept;
            if (kept <= target.Value) break;
        }
        string noun = RatioSearch.Noun(target);
        if (steps.Count == 0) throw new TargetUnreachableException($"no removal of a layer of '{spec.Name}' lowers its {noun}");
        if (current > target.Value + options.Tolerance)
        {
            string hint = spec.Layers.Any(l => l is BasicBlockSpec) && !options.AllowDownsample ? "; --allow-downsample also lets the downsampling blocks go" : "";
            throw new TargetUnreachableException(string.Create(CultureInfo.InvariantCulture,
                $"{target.OptionName} {target.Value:G4} cannot be reached by layer pruning of {spec.Name}: removing every removable layer ({steps.Count}) keeps {current:P1} of the {noun}{hint}"));
        }
        if (steps[0].Kept < target.Value - options.Tolerance)
            throw new TargetUnreachableException(string.Create(CultureInfo.InvariantCulture,
                $"{target.OptionName} {target.Value:G4} cannot be reached by layer pruning of {spec.Name}: removing a single layer already leaves only {steps[0].Kept:P1} of the {noun}"));
        var best = steps.MinBy(s => Math.Abs(s.Kept - target.Value));
        return best.Plan;
    }

    // Whether removing `next` besides `removed` leaves every ResNet stage at least `minBlocks` residual blocks
    // (a replaced downsampling block is no block any more). Plain networks have no such limit.
    private static bool KeepsStageDepth(ModelSpec spec, IReadOnlyCollection<LayerCandidate> removed, LayerCandidate next, int minBlocks)
    {
        if (minBlocks == 0 || next.Kind == LayerCandidateKind.PlainConv) return true;
        string stage = DepthProfile.StageOf(next.Name);
        int blocks = spec.Layers.OfType<BasicBlockSpec>().Count(b => DepthProfile.StageOf(b.Name) == stage);
        int gone = removed.Count(c => c.Kind != LayerCandidateKind.PlainConv && DepthProfile.StageOf(c.Name) == stage);
        return blocks - gone - 1 >= minBlocks;
    }

    private static List<LayerCandidate> InModelOrder(IEnumerable<LayerCandidate> chosen, List<LayerCandidate> candidates)
    {
        var set = chosen.ToHashSet();
        return candidates.Where(set.Contains).ToList();
    }

    private static List<string> Notes(LayerPlan plan, long seed)
    {
        var notes = plan.Removed.Select(c => c.Kind switch
        {
            LayerCandidateKind.IdentityBlock => $"removed block {c.Name} (identity shortcut: the skip connection stays)",
            LayerCandidateKind.DownsamplingBlock => $"replaced downsampling block {c.Name} by its shortcut conv + BN + ReLU ({c.Name}.shortcut.0, {c.Name}.shortcut.1, {c.Name}.relu)",
            _ => $"removed {c}",
        }).ToList();
        foreach (var (layer, what) in plan.Rebuilt)
            notes.Add($"REBUILT {layer}: {what}; its weights are RE-INITIALISED (seed {seed}) and need fine-tuning");
        return notes;
    }
}
