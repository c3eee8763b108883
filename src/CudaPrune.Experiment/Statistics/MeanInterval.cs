namespace CudaPrune.Experiment.Statistics;

/// <summary>
/// Mean ± a Student-t 95 % confidence interval over independent runs (seeds): mean ± t(0.975, n−1) · s / √n.
/// With one run the interval is the point itself (nothing is known of the spread) — reports say n.
/// </summary>
public static class MeanInterval
{
    // t(0.975, df) for df = 1..30 (standard tables); beyond, a Cornish–Fisher expansion around z.
    private static readonly double[] T975 =
    [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];

    /// <summary>The 97.5 % quantile of Student's t with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    public static double T975Quantile(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= T975.Length) return T975[degreesOfFreedom - 1];
        const double z = 1.959963984540054;
        double d = degreesOfFreedom, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
        return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
    }

    /// <summary>Mean and 95 % interval of <paramref name="values"/> (at least one).</summary>
    public static Interval Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values to average", nameof(values));
        if (values.Any(double.IsNaN)) throw new ArgumentException("a value is NaN: a failed run must not be averaged in", nameof(values));
        double mean = values.Average();
        if (values.Count == 1) return new Interval(mean, mean, mean);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double half = T975Quantile(values.Count - 1) * Math.Sqrt(variance / values.Count);
        return new Interval(mean, mean - half, mean + half);
    }
}
