using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Tests.Pruning;

/// <summary>Which channels channel pruning keeps: criteria order, rounding, protection, never-empty groups, uniform and global ranking.</summary>
public class ChannelPruningTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    private ChannelPlan Plan(string model, ChannelPruneOptions options)
    {
        using var m = PruningFixtures.Model(_cpu, model);
        return ChannelPruner.Plan(m, options);
    }

    [Test]
    public void L1KeepsTheFiltersWithTheLargestAbsoluteSums()
    {
        using var model = PruningFixtures.Model(_cpu, "simplecnn");
        var w = model.StateDict()["conv1.weight"].ToArray(); // [64, 3, 3, 3]
        var norms = Enumerable.Range(0, 64).Select(o => w.Skip(o * 27).Take(27).Sum(Math.Abs)).ToArray();
        var expected = Enumerable.Range(0, 64).OrderByDescending(o => norms[o]).Take(32).Order().ToArray();

        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Criterion = ChannelCriterion.L1, Target = PruneTarget.Ratio(0.5), ProtectStem = false });

        Assert.That(plan.Kept[plan.Graph.GroupOf("conv1", ChannelRole.ConvOut)!.Id], Is.EqualTo(expected));
    }

    [Test]
    public void BatchNormCriterionKeepsTheLargestScales()
    {
        using var model = PruningFixtures.Model(_cpu, "vgg11");
        var gamma = model.StateDict()["features.1.weight"].ToArray();
        var expected = Enumerable.Range(0, 64).OrderByDescending(c => Math.Abs(gamma[c])).Take(16).Order().ToArray();

        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Criterion = ChannelCriterion.BatchNorm, Target = PruneTarget.Ratio(0.75), ProtectStem = false });

        Assert.That(plan.Kept[plan.Graph.GroupOf("features.0", ChannelRole.ConvOut)!.Id], Is.EqualTo(expected));
    }

    [Test]
    public void UniformRankingRemovesTheSameFractionOfEveryGroup()
    {
        var plan = Plan("resnet20", new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), ProtectStem = false });

        foreach (var g in plan.Graph.PrunableGroups)
            Assert.That(plan.Kept[g.Id], Has.Length.EqualTo(g.Channels / 2), g.ToString());
    }

    [Test]
    public void GlobalPruningRanksAllGroupsTogether()
    {
        var plan = Plan("resnet20", new ChannelPruneOptions { Criterion = ChannelCriterion.Taylor, Target = PruneTarget.Ratio(0.5), Ranking = ChannelRanking.Global, Calibration = PruningFixtures.Calibration() });
        var stem = ChannelPruner.StemGroup(plan.Graph);
        var groups = plan.Graph.PrunableGroups.Where(g => g != stem).ToList();
        var fractions = groups.Select(g => (double)plan.Kept[g.Id].Length / g.Channels).ToList();

        Assert.That(fractions.Distinct().Count(), Is.GreaterThan(1), "groups lose different fractions");
        Assert.That(plan.RemovedChannels, Is.EqualTo(groups.Sum(g => g.Channels) / 2), "half of the eligible channels (the stem is protected)");
        Assert.That(plan.Kept[stem!.Id], Has.Length.EqualTo(stem.Channels));
    }

    [TestCase(ChannelRanking.Uniform)]
    [TestCase(ChannelRanking.Global)]
    public void NoGroupIsEverEmptied(ChannelRanking ranking)
    {
        var plan = Plan("resnet20", new ChannelPruneOptions { Criterion = ChannelCriterion.Random, Target = PruneTarget.Ratio(0.999), Ranking = ranking, ProtectStem = false });

        Assert.That(plan.Graph.PrunableGroups.Select(g => plan.Kept[g.Id].Length), Is.All.EqualTo(1));
        Assert.That(plan.NewSpec.Layers, Is.Not.Empty);
    }

    [Test]
    public void RoundToKeepsCountsMultiplesOfK()
    {
        var plan = Plan("resnet20", new ChannelPruneOptions { Target = PruneTarget.Ratio(0.6), RoundTo = 8 });

        var counts = plan.Graph.PrunableGroups.Select(g => plan.Kept[g.Id].Length).ToList();
        Assert.That(counts, Is.All.Matches<int>(k => k % 8 == 0 && k >= 8));
        Assert.That(counts, Does.Contain(24), "64 · 0.4 = 25.6 rounds to 24");
    }

    [TestCase(16, 0.0, 1, 1)]
    [TestCase(16, 6.4, 8, 8)]
    [TestCase(16, 12.0, 8, 16)]
    [TestCase(10, 3.0, 8, 8)]
    [TestCase(6, 2.0, 8, 6)]
    [TestCase(64, 25.6, 8, 24)]
    [TestCase(64, 25.6, 1, 26)]
    [TestCase(64, 70.0, 8, 64)]
    public void KeepCount(int channels, double desired, int roundTo, int expected) =>
        Assert.That(ChannelSelection.KeepCount(channels, desired, roundTo), Is.EqualTo(expected));

    [Test]
    public void ProtectStemLeavesTheFirstConvsGroupWhole()
    {
        var resnet = Plan("resnet20", new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), ProtectStem = true });
        var cnn = Plan("simplecnn", new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), ProtectStem = true });

        Assert.That(((ConvSpec)resnet.NewSpec.Layer("conv1")).OutChannels, Is.EqualTo(16), "the first stage's residual group");
        Assert.That(((BasicBlockSpec)resnet.NewSpec.Layer("layer2.1")).OutChannels, Is.EqualTo(16), "other stages are pruned");
        Assert.That(((ConvSpec)cnn.NewSpec.Layer("conv1")).OutChannels, Is.EqualTo(64));
        Assert.That(((ConvSpec)cnn.NewSpec.Layer("conv2")).OutChannels, Is.EqualTo(64));
    }

    [Test]
    public void ProtectedLayersKeepTheirGroupsWhole()
    {
        var plan = Plan("resnet20", new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), Protect = ["layer2.1"] });

        var protectedBlock = (BasicBlockSpec)plan.NewSpec.Layer("layer2.1");
        Assert.That((protectedBlock.MidChannels, protectedBlock.OutChannels), Is.EqualTo((32, 32)));
        Assert.That(((BasicBlockSpec)plan.NewSpec.Layer("layer2.2")).MidChannels, Is.EqualTo(16), "its neighbours' mid channels are pruned");
    }

    [Test]
    public void AProtectedNameThatIsNoLayerIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => Plan("resnet20", new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), Protect = ["layer9.0"] }));
        Assert.That(e!.Message, Does.Contain("no layer 'layer9.0'"));
    }

    [Test]
    public void BatchNormCriterionOnANetworkWithoutBatchNormIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => Plan("simplecnn", new ChannelPruneOptions { Criterion = ChannelCriterion.BatchNorm, Target = PruneTarget.Ratio(0.5), ProtectStem = false }));
        Assert.That(e!.Message, Does.Contain("needs batch norms").And.Contain("conv1"));
    }

    [Test]
    public void TaylorWithoutCalibrationDataIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => Plan("simplecnn", new ChannelPruneOptions { Criterion = ChannelCriterion.Taylor, Target = PruneTarget.Ratio(0.5) }));
        Assert.That(e!.Message, Does.Contain("calibration"));
    }

    [Test]
    public void TaylorScoringLeavesTheModelAsItWas()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

        ChannelPruner.Plan(model, new ChannelPruneOptions { Criterion = ChannelCriterion.Taylor, Target = PruneTarget.Ratio(0.5), Calibration = PruningFixtures.Calibration(2) });

        Assert.That(model.IsTraining, Is.False);
        Assert.That(model.StateDict().All(kv => kv.Value.ToArray().SequenceEqual(before[kv.Key])), Is.True, "running statistics restored, weights untouched");
        Assert.That(model.Parameters().All(p => p.Grad is null), Is.True, "the gradients scoring made are freed");
    }

    [Test]
    public void RandomCriterionIsSeeded()
    {
        int[] Kept(long seed) => Plan("simplecnn", new ChannelPruneOptions { Criterion = ChannelCriterion.Random, Target = PruneTarget.Ratio(0.5), Seed = seed, ProtectStem = false }).Kept[1];

        var first = Kept(5);
        Assert.That(Kept(5), Is.EqualTo(first));
        Assert.That(Kept(6), Is.Not.EqualTo(first));
    }
}
