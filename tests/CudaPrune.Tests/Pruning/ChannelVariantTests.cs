using CudaPrune.Core.Tensors;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Tests.Pruning;

/// <summary>The fair channel-baseline variants: round-to, global ranking, and the stem protected by default.</summary>
public class ChannelVariantTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    /// <summary>Every conv's (and block's) output channel count, by name.</summary>
    private static Dictionary<string, int> OutChannels(ModelSpec spec)
    {
        var counts = new Dictionary<string, int>();
        foreach (var l in spec.Layers)
        {
            if (l is ConvSpec c) counts[c.Name] = c.OutChannels;
            if (l is BasicBlockSpec b) (counts[$"{b.Name}.mid"], counts[$"{b.Name}.out"]) = (b.MidChannels, b.OutChannels);
        }
        return counts;
    }

    [TestCase(ChannelRanking.Uniform)]
    [TestCase(ChannelRanking.Global)]
    public void RoundToEightAtHalfTheFlopsKeepsMultiplesOfEightAndMeetsTheBudget(ChannelRanking ranking)
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Target = PruneTarget.Flops(0.5), RoundTo = 8, Ranking = ranking });

        var before = OutChannels(model.Spec);
        var after = OutChannels(plan.NewSpec);
        foreach (var (name, count) in after)
            Assert.That(count % 8 == 0 || count == before[name], Is.True, $"{name}: {count} of {before[name]}");
        Assert.That(after.Where(kv => kv.Value < before[kv.Key]), Is.Not.Empty, "something was pruned");
        double kept = (double)ModelStats.Compute(plan.NewSpec).Flops / ModelStats.Compute(model.Spec).Flops;
        Assert.That(kept, Is.EqualTo(0.5).Within(0.025), "within 5 % of the target despite the rounding");
    }

    [Test]
    public void RoundToLeavesAGroupSmallerThanTheMultipleWhole()
    {
        // resnet20's stage 1 has 16 channels: with K = 32 it cannot lose any.
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), RoundTo = 32 });

        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer1.0")).MidChannels, Is.EqualTo(16));
        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer2.0")).MidChannels, Is.EqualTo(32), "32 = 16 rounds up to the one multiple");
        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer3.0")).MidChannels, Is.EqualTo(32));
    }

    /// <summary>simplecnn whose conv2 has 64 near-dead filters (the first half, scaled by 0.01).</summary>
    private Model WithDeadHalf()
    {
        using var source = PruningFixtures.Model(_cpu, "simplecnn");
        var state = new Dictionary<string, Tensor>();
        using (DisposeScope.Suspend())
        {
            foreach (var (name, t) in source.StateDict())
            {
                var values = t.ToArray();
                if (name == "conv2.weight")
                    for (int i = 0; i < values.Length / 2; i++) values[i] *= 0.01f; // [128, 64, 3, 3]: filters 0..63
                state[name] = _cpu.FromArray(values, t.Shape);
            }
        }
        var model = ModelBuilder.FromState(source.Spec, _cpu, state);
        model.Eval();
        return model;
    }

    [TestCase(ChannelCriterion.L1)]
    [TestCase(ChannelCriterion.L2)]
    public void GlobalRankingTakesTheNearDeadChannelsFirst(ChannelCriterion criterion)
    {
        using var model = WithDeadHalf();
        // A third of the 64 + 128 channels = exactly conv2's dead half.
        var options = new ChannelPruneOptions { Criterion = criterion, Target = PruneTarget.Ratio(1.0 / 3), ProtectStem = false };

        var global = ChannelPruner.Plan(model, options with { Ranking = ChannelRanking.Global });
        var uniform = ChannelPruner.Plan(model, options);

        int conv1 = global.Graph.GroupOf("conv1", ChannelRole.ConvOut)!.Id, conv2 = global.Graph.GroupOf("conv2", ChannelRole.ConvOut)!.Id;
        Assert.That(global.Kept[conv1], Has.Length.EqualTo(64), "conv1's channels are all alike: none goes");
        Assert.That(global.Kept[conv2], Is.EqualTo(Enumerable.Range(64, 64).ToArray()), "exactly the dead half goes");
        Assert.That((uniform.Kept[conv1].Length, uniform.Kept[conv2].Length), Is.EqualTo((43, 85)), "uniform takes a third of each");
    }

    [Test]
    public void GlobalRankingRespectsEachGroupsMinimum()
    {
        using var model = WithDeadHalf();
        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.9), Ranking = ChannelRanking.Global, RoundTo = 8, ProtectStem = false });

        var counts = plan.Graph.PrunableGroups.Select(g => plan.Kept[g.Id].Length).ToList();
        Assert.That(counts, Is.All.Matches<int>(k => k >= 8 && k % 8 == 0));
        Assert.That(plan.RemovedChannels, Is.EqualTo((int)Math.Round(0.9 * 192)).Within(8), "90 % of all channels, up to rounding");
    }

    [Test]
    public void GlobalRankingOfResnet20WithL1KeepsDifferentFractionsPerGroup()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Target = PruneTarget.Flops(0.5), Ranking = ChannelRanking.Global });

        var fractions = plan.Graph.PrunableGroups.Where(plan.IsPruned).Select(g => (double)plan.Kept[g.Id].Length / g.Channels).ToList();
        Assert.That(fractions.Distinct().Count(), Is.GreaterThan(2), "not one ratio for all");
    }

    [Test]
    public void TheStemIsProtectedByDefault()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5) });

        Assert.That(((ConvSpec)plan.NewSpec.Layer("conv1")).OutChannels, Is.EqualTo(16));
        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer1.2")).OutChannels, Is.EqualTo(16), "the stem's group is stage 1's residual stream");
        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer1.0")).MidChannels, Is.EqualTo(8), "stage 1's block-internal channels are pruned");
        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer2.1")).OutChannels, Is.EqualTo(16), "other stages' streams are pruned");
    }

    [Test]
    public void TheStemIsPrunedWhenAsked()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var result = ChannelPruner.Prune(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), ProtectStem = false, DisposeSource = false });
        using var pruned = result.Model;

        Assert.That(((ConvSpec)pruned.Spec.Layer("conv1")).OutChannels, Is.EqualTo(8));
        Assert.That(((BasicBlockSpec)pruned.Spec.Layer("layer1.2")).OutChannels, Is.EqualTo(8));
        Assert.That(result.Notes[0], Does.Contain("uniform ranking").And.Contain("pruned like the others"));
    }

    [Test]
    public void TheReportNamesTheVariant()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var result = ChannelPruner.Prune(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), Ranking = ChannelRanking.Global, RoundTo = 4 });
        using var pruned = result.Model;

        Assert.That(result.Notes[0], Is.EqualTo("global ranking, counts rounded to multiples of 4, stem group 'conv1' (16 channels, the first stage's residual stream) left whole"));
    }
}
