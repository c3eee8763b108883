namespace CudaPrune.Profiling.Latency;

/// <summary>What limits a kernel on the roofline: its arithmetic intensity against the device's ridge point.</summary>
public enum Bound
{
    /// <summary>The device's peaks are not known (the emulator).</summary>
    Unknown,
    /// <summary>More FLOPs per byte than the ridge point: the FLOP rate limits it.</summary>
    Compute,
    /// <summary>Fewer FLOPs per byte than the ridge point (or none): memory bandwidth limits it.</summary>
    Memory,
}

/// <summary>
/// A device's peak FP32 FLOP/s and memory bandwidth (bytes/s), where they come from, and the roofline
/// judgements made with them. A zero or non-finite peak means unknown.
/// </summary>
public sealed record DevicePeaks(double FlopsPerSecond, double BytesPerSecond, string Source)
{
    public static DevicePeaks Unknown(string why) => new(0, 0, why);

    public bool IsKnown => FlopsPerSecond > 0 && BytesPerSecond > 0 && double.IsFinite(FlopsPerSecond) && double.IsFinite(BytesPerSecond);

    /// <summary>FLOPs per byte at which a kernel stops being memory-bound: peak FLOP/s ÷ peak bytes/s.</summary>
    public double RidgePoint => IsKnown ? FlopsPerSecond / BytesPerSecond : double.NaN;

    /// <summary>Compute-bound when the arithmetic intensity reaches the ridge point; a kernel that moves data without arithmetic is memory-bound.</summary>
    public Bound Classify(double flops, double bytes)
    {
        if (!IsKnown || bytes <= 0 && flops <= 0) return Bound.Unknown;
        if (bytes <= 0) return Bound.Compute;
        return flops / bytes >= RidgePoint ? Bound.Compute : Bound.Memory;
    }

    /// <summary>The achieved share of the peak of the resource that bounds the kernel (FLOP/s or bytes/s); NaN when unknown.</summary>
    public double FractionOfPeak(double flops, double bytes, double seconds) => Classify(flops, bytes) switch
    {
        _ when seconds <= 0 => double.NaN,
        Bound.Compute => flops / seconds / FlopsPerSecond,
        Bound.Memory => bytes / seconds / BytesPerSecond,
        _ => double.NaN,
    };
}
