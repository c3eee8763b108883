using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Targets;
using CudaPrune.Pruning.Verification;

namespace CudaPrune.Tests.Pruning;

/// <summary>
/// Layer pruning: removing identity blocks equals zeroing their residual branches; a downsampling block
/// becomes its shortcut; a plain network's next layer is rebuilt to fit; the criteria pick the right block.
/// </summary>
public class LayerPruningTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    private static IEnumerable<TestCaseData> BlockCases()
    {
        foreach (var criterion in Enum.GetValues<LayerCriterion>())
            yield return new TestCaseData("resnet20", criterion, 0.5);
        yield return new TestCaseData("resnet20", LayerCriterion.L1, 0.9);
        yield return new TestCaseData("resnet56", LayerCriterion.Random, 0.3);
    }

    [TestCaseSource(nameof(BlockCases))]
    public void RemovingIdentityBlocksEqualsZeroingTheirResidualBranches(string name, LayerCriterion criterion, double ratio)
    {
        using var original = PruningFixtures.Model(_cpu, name);
        var result = LayerPruner.Prune(original, new LayerPruneOptions
        {
            Criterion = criterion,
            Target = PruneTarget.Ratio(ratio),
            Calibration = PruningFixtures.Calibration(),
            DisposeSource = false,
        });
        using var pruned = result.Model;
        var images = EquivalenceCheck.RandomImages(original.Spec, 2, seed: 5);
        var unmasked = PruningFixtures.Logits(original, images, 2);

        var check = EquivalenceCheck.Run(original, result.Mask!, pruned, images, 2);

        Assert.That(pruned.Spec.Layers.Count, Is.LessThan(original.Spec.Layers.Count));
        Assert.That(check.Relative, Is.LessThanOrEqualTo(EquivalenceCheck.Tolerance), check.ToString());
        Assert.That(PruningFixtures.RelativeDifference(unmasked, PruningFixtures.Logits(pruned, images, 2)), Is.GreaterThan(1e-3), "the removed blocks mattered");
    }

    [Test]
    public void ADownsamplingBlockBecomesItsShortcutAndEqualsZeroingItsBranch()
    {
        using var original = PruningFixtures.Model(_cpu, "resnet20");
        var candidates = LayerCandidates.Find(original.Spec, allowDownsample: true, protectFirst: false, protect: []);
        var plan = LayerPlan.Create(original.Spec, candidates.Where(c => c.Name is "layer1.1" or "layer2.0").ToList());
        var result = LayerPruner.Apply(original, plan, "l1", PruneTarget.Ratio(0.2), disposeSource: false);
        using var pruned = result.Model;
        var images = EquivalenceCheck.RandomImages(original.Spec, 2, seed: 5);

        var check = EquivalenceCheck.Run(original, result.Mask!, pruned, images, 2);

        Assert.That(pruned.Spec.Layers.Select(l => l.Name), Does.Contain("layer2.0.shortcut.0").And.Contain("layer2.0.relu").And.Not.Contain("layer2.0").And.Not.Contain("layer1.1"));
        Assert.That(plan.Rebuilt, Is.Empty);
        Assert.That(check.Relative, Is.LessThanOrEqualTo(EquivalenceCheck.Tolerance), check.ToString());
    }

    [Test]
    public void ChannelPruningAModelWhoseDownsamplingBlockWasReplacedStillEqualsTheMaskedModel()
    {
        using var original = PruningFixtures.Model(_cpu, "resnet20");
        var candidates = LayerCandidates.Find(original.Spec, allowDownsample: true, protectFirst: false, protect: []);
        using var layered = LayerPruner.Apply(original, LayerPlan.Create(original.Spec, candidates.Where(c => c.Name == "layer3.0").ToList()), "l1", PruneTarget.Ratio(0.1), disposeSource: false).Model;
        var result = ChannelPruner.Prune(layered, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), DisposeSource = false });
        using var pruned = result.Model;
        var images = EquivalenceCheck.RandomImages(original.Spec, 2, seed: 5);

        var check = EquivalenceCheck.Run(layered, result.Mask!, pruned, images, 2);

        Assert.That(((ConvSpec)pruned.Spec.Layer("layer3.0.shortcut.0")).OutChannels, Is.EqualTo(32), "the replacement conv joins the last stage's group");
        Assert.That(check.Relative, Is.LessThanOrEqualTo(EquivalenceCheck.Tolerance), check.ToString());
    }

    [Test]
    public void RemovingSimpleCnnConv2RebuildsTheClassifierFor64x16x16InputsAndSaysSo()
    {
        using var original = PruningFixtures.Model(_cpu, "simplecnn");
        var conv1 = original.StateDict()["conv1.weight"].ToArray();
        var result = LayerPruner.Prune(original, new LayerPruneOptions { Target = PruneTarget.Ratio(0.5), ProtectFirst = true, DisposeSource = false });
        using var pruned = result.Model;

        Assert.That(pruned.Spec.Layers.Select(l => l.Name), Is.EqualTo(new[] { "conv1", "relu1", "pool1", "flatten", "fc" }));
        Assert.That(((LinearSpec)pruned.Spec.Layer("fc")).InFeatures, Is.EqualTo(64 * 16 * 16));
        Assert.That(result.Notes, Has.Some.Contains("REBUILT fc: in_features 8192 → 16384").And.Some.Contains("RE-INITIALISED"));
        Assert.That(result.Layers.Single(r => r.Name == "fc").Change, Does.StartWith("rebuilt (re-initialised)"));
        Assert.That(result.Layers.Single(r => r.Name == "conv2").Change, Is.EqualTo("removed"));
        Assert.That(pruned.StateDict()["conv1.weight"].ToArray(), Is.EqualTo(conv1), "the layers before keep their weights");
        Assert.That(result.Mask, Is.Null);
        Assert.That(result.MaskUnavailableReason, Does.Contain("conv conv2"));
    }

    [Test]
    public void RemovingAVggConvWithEqualWidthsRebuildsNothing()
    {
        using var original = PruningFixtures.Model(_cpu, "vgg16");
        var candidate = LayerCandidates.Find(original.Spec, false, false, []).Single(c => c.Name == "features.17");
        var plan = LayerPlan.Create(original.Spec, [candidate]);
        var result = LayerPruner.Apply(original, plan, "l1", PruneTarget.Ratio(0.1), disposeSource: false);
        using var pruned = result.Model;

        Assert.That(candidate.Layers, Is.EqualTo(new[] { "features.17", "features.18", "features.19" }));
        Assert.That(plan.Rebuilt, Is.Empty);
        Assert.That(result.Compaction.HasFresh, Is.False);
        var before = original.StateDict();
        Assert.That(pruned.StateDict().All(kv => kv.Value.ToArray().SequenceEqual(before[kv.Key].ToArray())), Is.True, "every other tensor is carried over");
    }

    [Test]
    public void AVggConvWithItsPoolingIsRemovedWithThePooling()
    {
        var spec = ModelZoo.Create("vgg16");
        var candidate = LayerCandidates.Find(spec, false, false, []).Single(c => c.Name == "features.40");

        Assert.That(candidate.Layers, Is.EqualTo(new[] { "features.40", "features.41", "features.42", "features.43" }));
        var plan = LayerPlan.Create(spec, [candidate]);
        Assert.That(plan.Rebuilt.Keys, Is.EqualTo(new[] { "classifier" }), "512·2·2 inputs instead of 512");
    }

    [Test]
    public void DownsamplingBlocksAreCandidatesOnlyWhenAllowed()
    {
        var spec = ModelZoo.Create("resnet20");

        Assert.That(LayerCandidates.Find(spec, false, false, []).Select(c => c.Name), Is.EqualTo(new[] { "layer1.0", "layer1.1", "layer1.2", "layer2.1", "layer2.2", "layer3.1", "layer3.2" }));
        Assert.That(LayerCandidates.Find(spec, true, false, []), Has.Count.EqualTo(9));
        Assert.That(LayerCandidates.Find(spec, false, false, ["layer1", "layer3.2.conv1"]).Select(c => c.Name), Is.EqualTo(new[] { "layer2.1", "layer2.2", "layer3.1" }));
    }

    /// <summary>Zeroes a block's residual branch in the model: it then contributes nothing.</summary>
    private static void SilenceBlock(Model model, string block)
    {
        var all = Enumerable.Range(0, ((BasicBlockSpec)model.Spec.Layer(block)).OutChannels).ToArray();
        new ZeroMask([new($"{block}.bn2.weight", 0, all), new($"{block}.bn2.bias", 0, all)]).Apply(model);
    }

    [TestCase(LayerCriterion.OutputChange)]
    [TestCase(LayerCriterion.Taylor)]
    public void DataCriteriaRemoveASilentBlockFirst(LayerCriterion criterion)
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        SilenceBlock(model, "layer2.2");

        var plan = LayerPruner.Plan(model, new LayerPruneOptions { Criterion = criterion, Target = PruneTarget.Ratio(0.1), Calibration = PruningFixtures.Calibration() });

        Assert.That(plan.Removed.Select(c => c.Name), Is.EqualTo(new[] { "layer2.2" }));
    }

    [Test]
    public void L1RemovesTheBlockWithTheSmallestWeightsFirst()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        foreach (var conv in new[] { "layer3.1.conv1.weight", "layer3.1.conv2.weight" }) model.Backend.Scale(model.StateDict()[conv], 0.01f);

        var plan = LayerPruner.Plan(model, new LayerPruneOptions { Criterion = LayerCriterion.L1, Target = PruneTarget.Ratio(0.1) });

        Assert.That(plan.Removed.Select(c => c.Name), Is.EqualTo(new[] { "layer3.1" }));
    }

    [Test]
    public void BnIsNoLayerCriterionAndOutputChangeIsNoChannelCriterion()
    {
        Assert.That(() => CriterionNames.ParseLayer("bn"), Throws.ArgumentException.With.Message.Contains("does not apply to layer pruning"));
        Assert.That(() => CriterionNames.ParseChannel("output-change"), Throws.ArgumentException.With.Message.Contains("does not apply to channel pruning"));
        Assert.That(() => CriterionNames.ParseChannel("magic"), Throws.ArgumentException.With.Message.Contains("unknown criterion 'magic'"));
    }
}
