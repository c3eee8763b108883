using CudaPrune.Core;
using CudaPrune.Experiment.Statistics;

namespace CudaPrune.Tests.Experiment;

/// <summary>The experiment's statistics on cases with known answers.</summary>
public class StatisticsTests
{
    [Test]
    public void McNemarOnAHandMadeTableIsTheExactBinomialTail()
    {
        // b = 10, c = 2: 2 · (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 · 79 / 4096.
        Assert.That(McNemar.PValue(10, 2), Is.EqualTo(2.0 * 79 / 4096).Within(1e-12));
        Assert.That(McNemar.PValue(2, 10), Is.EqualTo(McNemar.PValue(10, 2)), "symmetric");
        Assert.That(McNemar.PValue(5, 5), Is.EqualTo(1.0), "capped at 1");
        Assert.That(McNemar.PValue(0, 0), Is.EqualTo(1.0), "no discordant image: no evidence");
        // b = 0, c = 10: 2 / 1024.
        Assert.That(McNemar.PValue(0, 10), Is.EqualTo(2.0 / 1024).Within(1e-15));
    }

    [Test]
    public void McNemarCountsOnlyTheDiscordantImages()
    {
        bool[] a = [true, true, false, false, true, true];
        bool[] b = [true, false, true, false, false, true];

        Assert.That(McNemar.Discordant(a, b), Is.EqualTo((2, 1)));
        Assert.That(McNemar.PValue(a, b), Is.EqualTo(McNemar.PValue(2, 1)));
        Assert.Throws<ArgumentException>(() => McNemar.Discordant(a, b[..5]));
    }

    [Test]
    public void McNemarStaysFiniteForTenThousandImages()
    {
        double p = McNemar.PValue(600, 400);

        // Normal approximation with continuity: z = (|600 − 400| − 1)/√1000 = 6.29, p ≈ 3.2e-10.
        Assert.That(p, Is.GreaterThan(1e-10).And.LessThan(1e-9));
    }

    [TestCase(1, 12.7062)]
    [TestCase(2, 4.3027)]
    [TestCase(30, 2.0423)]
    [TestCase(40, 2.0211)]
    [TestCase(120, 1.9799)]
    [TestCase(100000, 1.9600)]
    public void StudentQuantilesMatchTheTables(int df, double expected)
    {
        Assert.That(MeanInterval.T975Quantile(df), Is.EqualTo(expected).Within(2e-4));
    }

    [Test]
    public void MeanIntervalOfAHandMadeSample()
    {
        // 1, 2, 3: mean 2, s = 1, half width t(0.975, 2) · 1/√3.
        var ci = MeanInterval.Of([1.0, 2.0, 3.0]);

        Assert.That(ci.Estimate, Is.EqualTo(2.0));
        Assert.That(ci.HalfWidth, Is.EqualTo(4.3027 / Math.Sqrt(3)).Within(1e-9));
        Assert.That(MeanInterval.Of([5.0]).HalfWidth, Is.Zero, "one seed: no spread known");
        Assert.Throws<ArgumentException>(() => MeanInterval.Of([1.0, double.NaN]));
    }

    [Test]
    public void BootstrapIntervalsCoverTheTrueMeanAboutNinetyFivePercentOfTheTime()
    {
        // 300 samples of 60 draws from an exponential distribution with mean 1 (skewed, so the test means something).
        const int experiments = 300, draws = 60;
        var random = new SeededRandom(12345);
        int covered = 0;
        for (int e = 0; e < experiments; e++)
        {
            var sample = Enumerable.Range(0, draws).Select(_ => -Math.Log(1 - random.NextDouble())).ToArray();
            if (new Bootstrap(1000, seed: e).Mean(sample).Contains(1.0)) covered++;
        }
        double coverage = (double)covered / experiments;

        // The percentile bootstrap under-covers a little on skewed data at n = 60 (about 0.93); 0.88–0.99 holds it.
        Assert.That(coverage, Is.InRange(0.88, 0.99));
    }

    [Test]
    public void PairedAccuracyDifferenceIsCentredOnTheDifferenceAndExcludesZeroWhenOneModelIsClearlyBetter()
    {
        var random = new SeededRandom(7);
        var a = new bool[2000];
        var b = new bool[2000];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = random.NextDouble() < 0.9;
            b[i] = a[i] && random.NextDouble() < 0.9; // B is right on a subset of A's images: about 9 points worse
        }
        double expected = a.Count(x => x) / 2000.0 - b.Count(x => x) / 2000.0;

        var ci = new Bootstrap(seed: 1).AccuracyDifference(a, b);

        Assert.That(ci.Estimate, Is.EqualTo(expected).Within(1e-12));
        Assert.That(ci.Low, Is.GreaterThan(0));
        Assert.That(ci.Contains(expected), Is.True);
        var same = new Bootstrap(seed: 1).AccuracyDifference(a, a);
        Assert.That((same.Low, same.High), Is.EqualTo((0.0, 0.0)), "a model against itself differs on no image");
    }

    [Test]
    public void MedianRatioIsTheRatioOfMediansAndReproducibleWithASeed()
    {
        double[] slow = [10, 11, 12, 10.5, 11.5];
        double[] fast = [5, 5.5, 6, 5.2, 5.8];

        var one = new Bootstrap(seed: 3).MedianRatio(slow, fast);
        var two = new Bootstrap(seed: 3).MedianRatio(slow, fast);

        Assert.That(one.Estimate, Is.EqualTo(11.0 / 5.5).Within(1e-12));
        Assert.That(one, Is.EqualTo(two));
        Assert.That(one.Low, Is.GreaterThan(1.5).And.LessThanOrEqualTo(one.Estimate));
    }

    [Test]
    public void TheParetoFrontKeepsOnlyUndominatedPointsByLatency()
    {
        (string Name, double Latency, double Accuracy)[] points =
        [
            ("a", 1.0, 0.80), ("b", 2.0, 0.85), ("c", 2.0, 0.83), ("d", 3.0, 0.84), ("e", 4.0, 0.90), ("f", 0.5, 0.70),
        ];

        var front = ParetoFront.Of(points, p => p.Latency, p => p.Accuracy).Select(p => p.Name);

        Assert.That(front, Is.EqualTo(new[] { "f", "a", "b", "e" }));
        Assert.That(ParetoFront.Dominates(1, 0.9, 2, 0.8), Is.True);
        Assert.That(ParetoFront.Dominates(1, 0.8, 1, 0.8), Is.False, "equal points do not dominate each other");
    }
}
