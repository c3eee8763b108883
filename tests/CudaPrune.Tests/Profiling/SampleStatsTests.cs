using CudaPrune.Profiling.Latency;

namespace CudaPrune.Tests.Profiling;

/// <summary>Median, percentiles, min and mean on inputs whose answers are worked out by hand (numpy's linear interpolation between ranks).</summary>
public class SampleStatsTests
{
    [Test]
    public void ElevenValuesInAnyOrderGiveTheRankedValues()
    {
        // 1..11: rank (n-1)p lands exactly on a value: p10 → rank 1 = 2, median → rank 5 = 6, p90 → rank 9 = 10.
        var s = SampleStats.Of([7, 3, 11, 1, 9, 5, 2, 10, 4, 8, 6]);

        Assert.That(s.Count, Is.EqualTo(11));
        Assert.That(s.Median, Is.EqualTo(6));
        Assert.That(s.P10, Is.EqualTo(2));
        Assert.That(s.P90, Is.EqualTo(10));
        Assert.That(s.Min, Is.EqualTo(1));
        Assert.That(s.Max, Is.EqualTo(11));
        Assert.That(s.Mean, Is.EqualTo(6));
    }

    [Test]
    public void AnEvenCountInterpolatesBetweenTheClosestRanks()
    {
        // sorted 10, 20, 30, 40: median at rank 1.5 = 25; p10 at rank 0.3 = 10 + 0.3·10 = 13; p90 at rank 2.7 = 30 + 0.7·10 = 37.
        var s = SampleStats.Of([40, 10, 30, 20]);

        Assert.That(s.Median, Is.EqualTo(25).Within(1e-12));
        Assert.That(s.P10, Is.EqualTo(13).Within(1e-12));
        Assert.That(s.P90, Is.EqualTo(37).Within(1e-12));
        Assert.That(s.Mean, Is.EqualTo(25).Within(1e-12));
    }

    [Test]
    public void OneSampleIsEveryStatistic()
    {
        var s = SampleStats.Of([3.5]);

        Assert.That(new[] { s.Median, s.P10, s.P90, s.Min, s.Max, s.Mean }, Is.All.EqualTo(3.5));
    }

    [Test]
    public void NoSampleIsAnError()
    {
        Assert.That(() => SampleStats.Of([]), Throws.ArgumentException);
        Assert.That(() => SampleStats.Percentile([1.0], 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void RangesOverlapUnlessOneEndsBeforeTheOtherStarts()
    {
        var low = SampleStats.Of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);       // p10 2, p90 10
        var touching = SampleStats.Of([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]); // p10 11, p90 19
        var far = SampleStats.Of([20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);

        Assert.That(low.Overlaps(far), Is.False);
        Assert.That(far.Overlaps(low), Is.False);
        Assert.That(low.Overlaps(touching), Is.False, "p90 10 < p10 11");
        Assert.That(touching.Overlaps(SampleStats.Of([5, 12, 30])), Is.True);
    }
}
