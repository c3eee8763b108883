using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Tests.Pruning;

/// <summary>The per-stage depth of a model, and layer pruning's minimum of blocks per stage.</summary>
public class DepthProfileTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    [TestCase("resnet20", "3-3-3")]
    [TestCase("resnet56", "9-9-9")]
    public void AZooResNetHasItsBlocksPerStage(string model, string expected)
    {
        Assert.That(DepthProfile.Format(ModelZoo.Create(model)), Is.EqualTo(expected));
    }

    [Test]
    public void APlainNetworksStagesEndAtItsPoolings()
    {
        var stages = DepthProfile.Of(ModelZoo.Create("vgg16"));

        Assert.That(stages.Select(s => s.Blocks), Is.EqualTo(new[] { 2, 2, 3, 3, 3 }));
    }

    [Test]
    public void RemovedAndReplacedBlocksShowInTheirStage()
    {
        var spec = ModelZoo.Create("resnet20");
        var candidates = LayerCandidates.Find(spec, allowDownsample: true, protectFirst: false, protect: []);
        var plan = LayerPlan.Create(spec, candidates.Where(c => c.Name is "layer1.1" or "layer2.0" or "layer2.2").ToList());

        var stages = DepthProfile.Of(plan.NewSpec);

        Assert.That(DepthProfile.Format(stages), Is.EqualTo("2-1+s-3"));
        Assert.That(stages[1], Is.EqualTo(new StageDepth("layer2", 1, 1)));
    }

    [Test]
    public void LayerPruningNeverEmptiesAStageByDefault()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var result = LayerPruner.Prune(model, new LayerPruneOptions
        {
            Criterion = LayerCriterion.L1,
            Target = PruneTarget.Flops(0.25),
            AllowDownsample = true,
            DisposeSource = false,
            Tolerance = 1.0,
        });
        using var pruned = result.Model;

        Assert.That(DepthProfile.Of(pruned.Spec).Select(s => s.Blocks), Has.All.GreaterThanOrEqualTo(1), DepthProfile.Format(pruned.Spec));
    }

    [Test]
    public void AMinimumOfZeroLetsAStageGoAndTooLargeARatioForTheMinimumIsRefused()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var emptied = LayerPruner.Plan(model, new LayerPruneOptions
        {
            Target = PruneTarget.Ratio(0.99), AllowDownsample = true, MinBlocksPerStage = 0,
        });
        Assert.That(DepthProfile.Format(DepthProfile.Of(emptied.NewSpec, model.Spec)), Is.EqualTo("0-0+s-0+s"));

        var e = Assert.Throws<TargetUnreachableException>(() => LayerPruner.Plan(model, new LayerPruneOptions
        {
            Target = PruneTarget.Ratio(0.99), AllowDownsample = true, MinBlocksPerStage = 2,
        }));
        Assert.That(e!.Message, Does.Contain("2 block(s) per stage allows only 3"));
    }
}
