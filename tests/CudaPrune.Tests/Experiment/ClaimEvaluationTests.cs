using CudaPrune.Experiment;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Tests.Experiment;

/// <summary>The claim logic on synthetic numbers: beyond the noise one way or the other, or within it.</summary>
public class ClaimEvaluationTests
{
    private static SampleStats Around(double median, double spread) => SampleStats.Of(SyntheticResults.Around(median, spread));

    [Test]
    public void LatenciesDifferOnlyWhenTheirP10ToP90RangesDoNotOverlap()
    {
        Assert.That(ClaimEvaluation.CompareSpeed(Around(2, 0.1), Around(3, 0.1)), Is.EqualTo(Difference.FavoursClaim));
        Assert.That(ClaimEvaluation.CompareSpeed(Around(3, 0.1), Around(2, 0.1)), Is.EqualTo(Difference.AgainstClaim));
        Assert.That(ClaimEvaluation.CompareSpeed(Around(2, 1), Around(2.5, 1)), Is.EqualTo(Difference.WithinNoise));
    }

    [Test]
    public void AccuraciesDifferOnlyBeyondOneStandardErrorOfTheDifference()
    {
        // 0.80 vs 0.90 on 1,000 images: SE = sqrt((0.16 + 0.09) / 1000) = 0.0158; the 0.10 gap is far beyond it.
        var (clear, se) = ClaimEvaluation.CompareAccuracy(layer: 0.80, channel: 0.90, testImages: 1000);
        Assert.That(clear, Is.EqualTo(Difference.FavoursClaim));
        Assert.That(se, Is.EqualTo(Math.Sqrt(0.25 / 1000)).Within(1e-12));

        // 0.80 vs 0.83 on 100 images: SE = sqrt((0.16 + 0.1411) / 100) = 0.0549 > 0.03.
        Assert.That(ClaimEvaluation.CompareAccuracy(0.80, 0.83, 100).Difference, Is.EqualTo(Difference.WithinNoise));
        Assert.That(ClaimEvaluation.CompareAccuracy(0.90, 0.80, 1000).Difference, Is.EqualTo(Difference.AgainstClaim));
        Assert.That(() => ClaimEvaluation.CompareAccuracy(0.5, 0.5, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static BudgetComparison Comparison(Difference speed, Difference accuracy) =>
        new(0.5, 1, "eager", Around(1, 0.1), Around(2, 0.1), speed, 0.8, 0.9, 0.01, accuracy);

    [Test]
    public void TheVerdictWeighsEveryComparisonOfABatchSize()
    {
        const Difference F = Difference.FavoursClaim, A = Difference.AgainstClaim, N = Difference.WithinNoise;

        Assert.That(ClaimEvaluation.Verdict([Comparison(F, F), Comparison(F, F)]), Is.EqualTo(ClaimVerdict.Supported));
        Assert.That(ClaimEvaluation.Verdict([Comparison(F, F), Comparison(F, A)]), Is.EqualTo(ClaimVerdict.NotSupported));
        Assert.That(ClaimEvaluation.Verdict([Comparison(A, N)]), Is.EqualTo(ClaimVerdict.NotSupported));
        Assert.That(ClaimEvaluation.Verdict([Comparison(N, N), Comparison(N, N)]), Is.EqualTo(ClaimVerdict.WithinNoise));
        Assert.That(ClaimEvaluation.Verdict([Comparison(F, N)]), Is.EqualTo(ClaimVerdict.PartlySupported));
        Assert.That(() => ClaimEvaluation.Verdict([]), Throws.ArgumentException);
    }

    [Test]
    public void EachBatchSizeGetsItsOwnVerdict()
    {
        var results = SyntheticResults.Make();

        Assert.That(results.Claims.Select(c => (c.Batch, c.Mode)), Is.EqualTo(new[] { (1, "eager"), (64, "eager") }), "no graph timings, no graph claims");
        var b1 = results.Claims[0];
        Assert.That(b1.Comparisons.Single().Speed, Is.EqualTo(Difference.FavoursClaim));
        Assert.That(b1.Comparisons.Single().Accuracy, Is.EqualTo(Difference.FavoursClaim));
        Assert.That(b1.Verdict, Is.EqualTo(ClaimVerdict.Supported));
        var b64 = results.Claims[1];
        Assert.That(b64.Comparisons.Single().Speed, Is.EqualTo(Difference.WithinNoise));
        Assert.That(b64.Verdict, Is.EqualTo(ClaimVerdict.PartlySupported));
    }

    [Test]
    public void NoMatchedPairGivesNoClaim()
    {
        Assert.That(ClaimEvaluation.Evaluate([], [1, 64]), Is.Empty);
    }
}
