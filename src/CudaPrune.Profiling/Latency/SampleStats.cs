namespace CudaPrune.Profiling.Latency;

/// <summary>Summary of repeated measurements (microseconds, or any unit): median, 10th and 90th percentiles, min, max, mean.</summary>
public sealed record SampleStats(int Count, double Median, double P10, double P90, double Min, double Max, double Mean)
{
    /// <summary>The statistics of <paramref name="samples"/> (at least one).</summary>
    public static SampleStats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("statistics need at least one sample", nameof(samples));
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return new SampleStats(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.1), Percentile(sorted, 0.9),
            sorted[0], sorted[^1], sorted.Average()) { Samples = sorted };
    }

    /// <summary>The samples themselves, ascending (for bootstrap intervals); empty when only the summary was kept.</summary>
    public IReadOnlyList<double> Samples { get; init; } = [];

    /// <summary>
    /// The <paramref name="p"/>-quantile of ascending <paramref name="sorted"/> values, interpolating linearly
    /// between the closest ranks (rank (n - 1)·p, numpy's default), so the median of an even count is the mean of the middle two.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("a percentile needs at least one value", nameof(sorted));
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "the quantile must be in [0, 1]");
        double rank = (sorted.Count - 1) * p;
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>True when the p10–p90 ranges of the two samples overlap: their difference is within the noise.</summary>
    public bool Overlaps(SampleStats other) => P10 <= other.P90 && other.P10 <= P90;
}
