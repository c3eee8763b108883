using CudaPrune.Experiment;
using CudaPrune.Experiment.Statistics;

namespace CudaPrune.Tests.Experiment;

/// <summary>The claim logic on synthetic numbers: each half apart, per budget beyond its interval one way or the other, or within it.</summary>
public class ClaimEvaluationTests
{
    [Test]
    public void ABudgetCountsOnlyWhenItsWholeIntervalLiesOneSide()
    {
        Assert.That(ClaimEvaluation.Direction(new Interval(1.5, 1.2, 1.8), none: 1, claimAbove: true), Is.EqualTo(Difference.FavoursClaim));
        Assert.That(ClaimEvaluation.Direction(new Interval(0.7, 0.6, 0.9), none: 1, claimAbove: true), Is.EqualTo(Difference.AgainstClaim));
        Assert.That(ClaimEvaluation.Direction(new Interval(1.1, 0.9, 1.3), none: 1, claimAbove: true), Is.EqualTo(Difference.WithinNoise));
        Assert.That(ClaimEvaluation.Direction(new Interval(-0.02, -0.03, -0.01), none: 0, claimAbove: false), Is.EqualTo(Difference.FavoursClaim));
    }

    [Test]
    public void TheVerdictSaysAtHowManyBudgetsNotWhetherAnySingleOneWentAgainst()
    {
        const Difference F = Difference.FavoursClaim, A = Difference.AgainstClaim, N = Difference.WithinNoise;

        Assert.That(ClaimEvaluation.Verdict([F, F]), Is.EqualTo(ClaimVerdict.Supported));
        Assert.That(ClaimEvaluation.Verdict([F, N]), Is.EqualTo(ClaimVerdict.PartlySupported));
        Assert.That(ClaimEvaluation.Verdict([N, N]), Is.EqualTo(ClaimVerdict.WithinNoise));
        Assert.That(ClaimEvaluation.Verdict([F, A, F]), Is.EqualTo(ClaimVerdict.Mixed));
        Assert.That(ClaimEvaluation.Verdict([A, N]), Is.EqualTo(ClaimVerdict.NotSupported));
        Assert.That(() => ClaimEvaluation.Verdict([]), Throws.ArgumentException);
    }

    [Test]
    public void SpeedIsJudgedPerBatchSizeAndAccuracyOnce()
    {
        var results = SyntheticResults.Make();

        Assert.That(results.Claims.Select(c => (c.Batch, c.Mode)), Is.EqualTo(new[] { (1, "eager"), (64, "eager") }), "no graph timings, no graph claims");
        var b1 = results.Claims[0].Budgets.Single();
        Assert.That(b1.Effect.Estimate, Is.EqualTo(3000.0 / 2000).Within(1e-12), "latency(channel) ÷ latency(layer)");
        Assert.That(b1.Direction, Is.EqualTo(Difference.FavoursClaim));
        Assert.That(results.Claims[0].Verdict, Is.EqualTo(ClaimVerdict.Supported));
        Assert.That(results.Claims[1].Budgets.Single().Direction, Is.EqualTo(Difference.WithinNoise), "50 ± 5 vs 52 ± 5 ms over 5 runs");
        Assert.That(results.Claims[1].Verdict, Is.EqualTo(ClaimVerdict.WithinNoise));
        Assert.That(results.Accuracy!.Verdict, Is.EqualTo(ClaimVerdict.Supported));
        Assert.That(results.Accuracy.Effect, Is.EqualTo(0.10).Within(1e-12));
    }

    [Test]
    public void EachPairCarriesMcNemarAndItsIntervals()
    {
        var pair = SyntheticResults.Make().PairStatistics.Single();

        // The layer-pruned model is right on the first 800 images, the channel-pruned on the first 900: 100 discordant, all one way.
        Assert.That(pair.McNemarP, Is.EqualTo(McNemar.PValue(100, 0)).Within(1e-40));
        Assert.That(pair.AccuracyDifference.Estimate, Is.EqualTo(0.10).Within(1e-12));
        Assert.That(pair.AccuracyDifference.Low, Is.GreaterThan(0));
        Assert.That(pair.SpeedupRatios.Select(s => s.Batch), Is.EqualTo(new[] { 1, 64 }));
    }

    [Test]
    public void SeedsArePooledPerBudget()
    {
        var one = SyntheticResults.Make();
        var layer2 = one.Variants[1] with { Seed = 2 };
        var channel2 = one.Variants[2] with { Seed = 2, AccuracyAfter = 0.84, Correct = [.. Enumerable.Range(0, 1000).Select(i => i < 840)] };
        var two = (one with { Variants = [.. one.Variants, layer2, channel2] }).Judged();

        Assert.That(two.Seeds, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(two.Pairs, Has.Count.EqualTo(2));
        var budget = two.Accuracy!.Budgets.Single();
        Assert.That(budget.Seeds, Is.EqualTo(2));
        Assert.That(budget.Effect.Estimate, Is.EqualTo((0.10 + 0.04) / 2).Within(1e-12), "the mean over seeds of channel − layer");
    }

    [Test]
    public void NoMatchedPairGivesNoClaim()
    {
        Assert.That(ClaimEvaluation.Speed([], [1, 64]), Is.Empty);
        Assert.That(ClaimEvaluation.Accuracy([]), Is.Null);
    }
}
