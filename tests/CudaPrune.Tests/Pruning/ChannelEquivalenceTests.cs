using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;
using CudaPrune.Pruning.Verification;

namespace CudaPrune.Tests.Pruning;

/// <summary>
/// The proof that channel compaction is right: the compacted model's logits equal the ORIGINAL model's
/// with the removed channels' outputs zeroed (batch norm in eval mode), to 1e-5 relative.
/// </summary>
public class ChannelEquivalenceTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var model in new[] { "simplecnn", "resnet20" })
            foreach (var criterion in new[] { ChannelCriterion.L1, ChannelCriterion.L2, ChannelCriterion.BatchNorm, ChannelCriterion.Taylor, ChannelCriterion.Random })
            {
                if (model == "simplecnn" && criterion == ChannelCriterion.BatchNorm) continue; // no batch norm: an error case, tested elsewhere
                foreach (var ratio in new[] { 0.25, 0.5, 0.9 })
                    yield return new TestCaseData(model, criterion, ratio, ratio == 0.5 ? ChannelRanking.Global : ChannelRanking.Uniform, 1, ratio != 0.9);
            }
        // The fair-baseline variants: rounding (8, and our kernels' tile step 4) with either ranking, stem pruned or not.
        yield return new TestCaseData("resnet20", ChannelCriterion.L1, 0.5, ChannelRanking.Uniform, 8, true);
        yield return new TestCaseData("resnet20", ChannelCriterion.Taylor, 0.6, ChannelRanking.Global, 8, false);
        yield return new TestCaseData("resnet20", ChannelCriterion.BatchNorm, 0.4, ChannelRanking.Global, 4, true);
        yield return new TestCaseData("simplecnn", ChannelCriterion.Random, 0.5, ChannelRanking.Global, 4, false);
        yield return new TestCaseData("vgg16", ChannelCriterion.L1, 0.5, ChannelRanking.Uniform, 1, true);
        yield return new TestCaseData("vgg16", ChannelCriterion.Taylor, 0.3, ChannelRanking.Global, 1, false);
        yield return new TestCaseData("resnet56", ChannelCriterion.BatchNorm, 0.5, ChannelRanking.Uniform, 1, true);
        yield return new TestCaseData("resnet56", ChannelCriterion.Random, 0.7, ChannelRanking.Global, 8, false);
    }

    [TestCaseSource(nameof(Cases))]
    public void CompactedModelEqualsTheMaskedOriginal(string name, ChannelCriterion criterion, double ratio, ChannelRanking ranking, int roundTo, bool protectStem)
    {
        using var original = PruningFixtures.Model(_cpu, name);
        var result = ChannelPruner.Prune(original, new ChannelPruneOptions
        {
            Criterion = criterion,
            Target = PruneTarget.Ratio(ratio),
            Ranking = ranking,
            RoundTo = roundTo,
            ProtectStem = protectStem,
            Calibration = PruningFixtures.Calibration(),
            DisposeSource = false,
        });
        using var pruned = result.Model;
        var images = EquivalenceCheck.RandomImages(original.Spec, 2, seed: 11);
        var unmasked = PruningFixtures.Logits(original, images, 2);

        var check = EquivalenceCheck.Run(original, result.Mask!, pruned, images, 2);

        Assert.That(result.After.Flops, Is.LessThan(result.Before.Flops));
        Assert.That(check.Relative, Is.LessThanOrEqualTo(EquivalenceCheck.Tolerance), check.ToString());
        Assert.That(PruningFixtures.RelativeDifference(unmasked, PruningFixtures.Logits(pruned, images, 2)), Is.GreaterThan(1e-3),
            "the removed channels mattered: the check compares against the mask, not against an unchanged model");
    }
}
