namespace CudaPrune.Experiment.Statistics;

/// <summary>An estimate with a two-sided confidence interval [Low, High] at <see cref="Level"/> (0.95 unless said).</summary>
public readonly record struct Interval(double Estimate, double Low, double High, double Level = 0.95)
{
    /// <summary>Whether <paramref name="value"/> lies inside the interval (ends included).</summary>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>Half the interval's width (the ± of a symmetric interval).</summary>
    public double HalfWidth => (High - Low) / 2;

    public override string ToString() => $"{Estimate:G4} [{Low:G4}, {High:G4}]";
}
