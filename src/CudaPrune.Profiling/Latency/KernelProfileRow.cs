namespace CudaPrune.Profiling.Latency;

/// <summary>
/// One (layer, kernel) pair of a forward pass: how often it ran per pass, the time of all its calls in one
/// pass over the measured runs (µs), its FLOPs and bytes per pass, and what they achieve against the device's peaks.
/// </summary>
public sealed record KernelProfileRow(string Layer, string Kernel, int Calls, SampleStats Microseconds, double Flops, double Bytes, DevicePeaks Peaks)
{
    private double Seconds => Microseconds.Median * 1e-6;

    /// <summary>Achieved GFLOP/s at the median time.</summary>
    public double GflopsPerSecond => Seconds > 0 ? Flops / Seconds / 1e9 : 0;

    /// <summary>Achieved GB/s (minimal bytes) at the median time.</summary>
    public double GigabytesPerSecond => Seconds > 0 ? Bytes / Seconds / 1e9 : 0;

    /// <summary>FLOPs per byte.</summary>
    public double ArithmeticIntensity => Bytes > 0 ? Flops / Bytes : double.PositiveInfinity;

    public Bound Bound => Peaks.Classify(Flops, Bytes);

    /// <summary>Share of the peak of the bounding resource (FLOP/s or bytes/s); NaN when the peaks are unknown.</summary>
    public double FractionOfPeak => Peaks.FractionOfPeak(Flops, Bytes, Seconds);
}
