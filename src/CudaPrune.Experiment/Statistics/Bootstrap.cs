using CudaPrune.Core;

namespace CudaPrune.Experiment.Statistics;

/// <summary>
/// Percentile bootstrap confidence intervals (Efron &amp; Tibshirani 1993), seeded so a report is reproducible:
/// the accuracy difference of two models on the same images (paired: images are resampled, both models'
/// answers on an image move together), and the ratio of two latency medians (unpaired: each model's timing
/// samples are resampled on their own).
/// </summary>
public sealed class Bootstrap(int resamples = Bootstrap.DefaultResamples, long seed = 0)
{
    public const int DefaultResamples = 2000;

    public int Resamples { get; } = resamples >= 100 ? resamples
        : throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "at least 100 resamples for a 95 % percentile interval");

    /// <summary>Accuracy of A minus accuracy of B (in [−1, 1]) with its paired 95 % interval.</summary>
    public Interval AccuracyDifference(IReadOnlyList<bool> correctA, IReadOnlyList<bool> correctB)
    {
        if (correctA.Count != correctB.Count)
            throw new ArgumentException($"the two models were scored on different test sets ({correctA.Count} and {correctB.Count} images)");
        int n = correctA.Count;
        if (n == 0) throw new ArgumentException("no test images");
        // Per image: +1 (only A right), −1 (only B right) or 0; the difference is their mean.
        var delta = new int[n];
        for (int i = 0; i < n; i++) delta[i] = (correctA[i] ? 1 : 0) - (correctB[i] ? 1 : 0);
        var random = new SeededRandom(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 1));
        var stats = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            long sum = 0;
            for (int i = 0; i < n; i++) sum += delta[random.NextInt(n)];
            stats[r] = (double)sum / n;
        }
        return Percentile(delta.Average(), stats);
    }

    /// <summary>
    /// median(<paramref name="numerator"/>) ÷ median(<paramref name="denominator"/>) with its 95 % interval; for a
    /// speed-up, the baseline's latencies over the pruned model's.
    /// </summary>
    public Interval MedianRatio(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator)
    {
        if (numerator.Count == 0 || denominator.Count == 0) throw new ArgumentException("a ratio needs samples on both sides");
        var random = new SeededRandom(unchecked((ulong)seed * 0xD1B54A32D192ED03UL + 2));
        var stats = new double[Resamples];
        var a = new double[numerator.Count];
        var b = new double[denominator.Count];
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < a.Length; i++) a[i] = numerator[random.NextInt(a.Length)];
            for (int i = 0; i < b.Length; i++) b[i] = denominator[random.NextInt(b.Length)];
            stats[r] = Median(a) / Median(b);
        }
        return Percentile(Median([.. numerator]) / Median([.. denominator]), stats);
    }

    /// <summary>
    /// The mean over several pairs (one per seed) of accuracy(A) − accuracy(B), each pair on its own test images or
    /// the same ones, with a 95 % interval that resamples the images of every pair (the test-set sampling error;
    /// the spread between seeds is reported apart).
    /// </summary>
    public Interval PooledAccuracyDifference(IReadOnlyList<(IReadOnlyList<bool> A, IReadOnlyList<bool> B)> pairs)
    {
        if (pairs.Count == 0) throw new ArgumentException("no pairs");
        var deltas = pairs.Select(p =>
        {
            if (p.A.Count != p.B.Count || p.A.Count == 0) throw new ArgumentException("each pair must be scored on the same, non-empty test set");
            var d = new int[p.A.Count];
            for (int i = 0; i < d.Length; i++) d[i] = (p.A[i] ? 1 : 0) - (p.B[i] ? 1 : 0);
            return d;
        }).ToList();
        var random = new SeededRandom(unchecked((ulong)seed * 0xA24BAED4963EE407UL + 4));
        var stats = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            foreach (var d in deltas)
            {
                long s = 0;
                for (int i = 0; i < d.Length; i++) s += d[random.NextInt(d.Length)];
                sum += (double)s / d.Length;
            }
            stats[r] = sum / deltas.Count;
        }
        return Percentile(deltas.Average(d => d.Average()), stats);
    }

    /// <summary>
    /// The geometric mean over several pairs (one per seed) of median(numerator) ÷ median(denominator), with a 95 %
    /// interval that resamples every pair's timing runs (the measurement noise).
    /// </summary>
    public Interval PooledMedianRatio(IReadOnlyList<(IReadOnlyList<double> Numerator, IReadOnlyList<double> Denominator)> pairs)
    {
        if (pairs.Count == 0 || pairs.Any(p => p.Numerator.Count == 0 || p.Denominator.Count == 0)) throw new ArgumentException("a ratio needs samples on both sides of every pair");
        var random = new SeededRandom(unchecked((ulong)seed * 0xE7037ED1A0B428DBUL + 5));
        var stats = new double[Resamples];
        var a = pairs.Select(p => new double[p.Numerator.Count]).ToList();
        var b = pairs.Select(p => new double[p.Denominator.Count]).ToList();
        for (int r = 0; r < Resamples; r++)
        {
            double logSum = 0;
            for (int k = 0; k < pairs.Count; k++)
            {
                for (int i = 0; i < a[k].Length; i++) a[k][i] = pairs[k].Numerator[random.NextInt(a[k].Length)];
                for (int i = 0; i < b[k].Length; i++) b[k][i] = pairs[k].Denominator[random.NextInt(b[k].Length)];
                logSum += Math.Log(Median(a[k]) / Median(b[k]));
            }
            stats[r] = Math.Exp(logSum / pairs.Count);
        }
        double estimate = Math.Exp(pairs.Average(p => Math.Log(Median([.. p.Numerator]) / Median([.. p.Denominator]))));
        return Percentile(estimate, stats);
    }

    /// <summary>The mean of <paramref name="values"/> with its 95 % interval (used to check the method's coverage).</summary>
    public Interval Mean(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values");
        var random = new SeededRandom(unchecked((ulong)seed * 0x94D049BB133111EBUL + 3));
        var stats = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++) sum += values[random.NextInt(values.Count)];
            stats[r] = sum / values.Count;
        }
        return Percentile(values.Average(), stats);
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place).</summary>
    public static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    // The 2.5 % and 97.5 % quantiles of the bootstrap statistics (linear interpolation between order statistics).
    private static Interval Percentile(double estimate, double[] stats)
    {
        Array.Sort(stats);
        return new Interval(estimate, Quantile(stats, 0.025), Quantile(stats, 0.975));
    }

    private static double Quantile(double[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int i = (int)Math.Floor(at);
        return i + 1 < sorted.Length ? sorted[i] + (at - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }
}
