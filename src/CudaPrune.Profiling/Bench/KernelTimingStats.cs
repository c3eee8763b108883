namespace CudaPrune.Profiling.Bench;

/// <summary>Order statistics of repeated timings of one kernel, in milliseconds.</summary>
public sealed record KernelTimingStats(int Runs, double MedianMs, double P10Ms, double P90Ms, double MinMs)
{
    /// <summary>The statistics of <paramref name="milliseconds"/> (percentiles interpolated between neighbours).</summary>
    public static KernelTimingStats Of(IReadOnlyList<double> milliseconds)
    {
        if (milliseconds.Count == 0) throw new ArgumentException("no timings", nameof(milliseconds));
        var sorted = milliseconds.Order().ToArray();
        return new KernelTimingStats(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.1), Percentile(sorted, 0.9), sorted[0]);
    }

    private static double Percentile(double[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int below = (int)Math.Floor(at);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }
}
