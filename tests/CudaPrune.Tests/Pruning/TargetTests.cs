using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Tests.Pruning;

/// <summary>FLOPs and parameter budgets: searched ratios land near the target, unreachable targets are clear errors.</summary>
public class TargetTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    private double ChannelKept(string model, ChannelPruneOptions options, Func<ModelStats, long> measure)
    {
        using var m = PruningFixtures.Model(_cpu, model);
        var plan = ChannelPruner.Plan(m, options);
        return (double)measure(ModelStats.Compute(plan.NewSpec)) / measure(ModelStats.Compute(m.Spec));
    }

    private double LayerFlopsKept(string model, LayerPruneOptions options)
    {
        using var m = PruningFixtures.Model(_cpu, model);
        var plan = LayerPruner.Plan(m, options);
        return (double)ModelStats.Compute(plan.NewSpec).Flops / ModelStats.Compute(m.Spec).Flops;
    }

    [TestCase(ChannelRanking.Uniform, 1, true)]
    [TestCase(ChannelRanking.Global, 1, true)]
    [TestCase(ChannelRanking.Uniform, 4, true)]
    [TestCase(ChannelRanking.Global, 4, true)]
    [TestCase(ChannelRanking.Uniform, 8, true)]
    [TestCase(ChannelRanking.Global, 8, true)]
    [TestCase(ChannelRanking.Global, 8, false)]
    public void ChannelPruningOfResnet20ToHalfTheFlopsLandsWithin5PercentOfTheTarget(ChannelRanking ranking, int roundTo, bool protectStem)
    {
        double kept = ChannelKept("resnet20", new ChannelPruneOptions { Target = PruneTarget.Flops(0.5), Ranking = ranking, RoundTo = roundTo, ProtectStem = protectStem }, s => s.Flops);

        Assert.That(kept, Is.EqualTo(0.5).Within(0.025), "5 % of the target");
    }

    [Test]
    public void ARoundingStepWiderThanTheToleranceIsAClearError()
    {
        // Uniform with K = 8 and the stem pruned: resnet20's stage-1 stream steps 16 → 8 at one ratio,
        // from 55.4 % to 44.9 % of the FLOPs, straddling 50 % by more than 5 points on either side.
        var e = Assert.Throws<TargetUnreachableException>(() => ChannelKept("resnet20",
            new ChannelPruneOptions { Target = PruneTarget.Flops(0.5), RoundTo = 8, ProtectStem = false }, s => s.Flops));

        Assert.That(e!.Message, Does.Contain("cannot be met within 0.05").And.Contain("multiples of 8").And.Contain("44.9 %"));
    }

    [Test]
    public void ChannelPruningMeetsAParameterTarget()
    {
        double kept = ChannelKept("resnet20", new ChannelPruneOptions { Target = PruneTarget.Params(0.3) }, s => s.Params);

        Assert.That(kept, Is.EqualTo(0.3).Within(0.015));
    }

    [Test]
    public void LayerPruningOfResnet20ToHalfTheFlopsLandsWithinTheTolerance()
    {
        // Each identity block is ~11.5 % of resnet20's FLOPs, so whole blocks cannot land closer than
        // ~4 points of 50 %: the tolerance is 5 % of the ORIGINAL model's FLOPs.
        double kept = LayerFlopsKept("resnet20", new LayerPruneOptions { Criterion = LayerCriterion.L1, Target = PruneTarget.Flops(0.5) });

        Assert.That(kept, Is.EqualTo(0.5).Within(PruneTarget.DefaultTolerance));
    }

    [Test]
    public void LayerPruningBetweenTwoWholeBlockStepsTakesTheNearest()
    {
        // Removing 3 identity blocks keeps 65.5 % of the FLOPs, 4 keep 53.9 %: 0.6 is served by the nearer.
        double kept = LayerFlopsKept("resnet20", new LayerPruneOptions { Criterion = LayerCriterion.L1, Target = PruneTarget.Flops(0.6) });

        Assert.That(kept, Is.EqualTo(0.655).Within(0.001));
    }

    [Test]
    public void LayerPruningWithDownsamplingBlocksReachesLowerBudgets()
    {
        var options = new LayerPruneOptions { Criterion = LayerCriterion.L1, Target = PruneTarget.Flops(0.1) };
        Assert.Throws<TargetUnreachableException>(() => LayerFlopsKept("resnet20", options));

        // 10 % of the FLOPs needs whole stages emptied: refused while every stage keeps a block (the default).
        Assert.Throws<TargetUnreachableException>(() => LayerFlopsKept("resnet20", options with { AllowDownsample = true }));
        double kept = LayerFlopsKept("resnet20", options with { AllowDownsample = true, MinBlocksPerStage = 0 });

        Assert.That(kept, Is.EqualTo(0.1).Within(PruneTarget.DefaultTolerance));
    }

    [Test]
    public void LayerRatioRemovesThatShareOfTheCandidates()
    {
        using var m = PruningFixtures.Model(_cpu, "resnet20");
        var plan = LayerPruner.Plan(m, new LayerPruneOptions { Target = PruneTarget.Ratio(0.5) });

        Assert.That(plan.Removed, Has.Count.EqualTo(4), "half of the 7 identity blocks, rounded");
        Assert.That(plan.Removed.Select(c => c.Kind), Is.All.EqualTo(LayerCandidateKind.IdentityBlock));
    }

    [Test]
    public void AChannelTargetNoPruningCanReachIsAClearError()
    {
        // With conv1's 64 channels protected (the stem, by default), conv1 alone is 8.5 % of simplecnn's FLOPs.
        var e = Assert.Throws<TargetUnreachableException>(() => ChannelKept("simplecnn", new ChannelPruneOptions { Target = PruneTarget.Flops(0.01) }, s => s.Flops));
        Assert.That(e!.Message, Does.Contain("--target-flops 0.01 cannot be reached").And.Contain("keeps at least"));
    }

    [Test]
    public void ALayerTargetNoPruningCanReachIsAClearError()
    {
        var e = Assert.Throws<TargetUnreachableException>(() => LayerFlopsKept("resnet20", new LayerPruneOptions { Target = PruneTarget.Flops(0.05) }));
        Assert.That(e!.Message, Does.Contain("removing every removable layer").And.Contain("--allow-downsample"));
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(1.5)]
    [TestCase(-0.2)]
    [TestCase(double.NaN)]
    public void TargetsOutsideTheOpenUnitIntervalAreRejected(double value)
    {
        foreach (var target in new[] { PruneTarget.Ratio(value), PruneTarget.Flops(value), PruneTarget.Params(value) })
        {
            var e = Assert.Throws<ArgumentException>(() => target.Validated());
            Assert.That(e!.Message, Does.Contain(target.OptionName).And.Contain("(0, 1)"));
        }
    }

    [Test]
    public void StepsSplitTheTargetEvenlyOnTheOriginal()
    {
        var ratio = PruneTarget.Ratio(0.5);
        double left = 1;
        for (int step = 1; step <= 4; step++) left *= 1 - StepSchedule.ForStep(ratio, step, 4, 1)!.Value;
        Assert.That(left, Is.EqualTo(0.5).Within(1e-12));

        var flops = PruneTarget.Flops(0.5);
        Assert.That(StepSchedule.ForStep(flops, 1, 2, 1.0)!.Value, Is.EqualTo(0.75).Within(1e-12));
        Assert.That(StepSchedule.ForStep(flops, 2, 2, 0.75)!.Value, Is.EqualTo(0.5 / 0.75).Within(1e-12));
        Assert.That(StepSchedule.ForStep(flops, 2, 2, 0.45), Is.Null, "already past the budget");
    }
}
