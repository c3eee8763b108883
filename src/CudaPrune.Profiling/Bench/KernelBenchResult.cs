namespace CudaPrune.Profiling.Bench;

/// <summary>
/// One measured case: timings warm and with L2 flushed, the rates they imply (from the warm median), the
/// validation before and after timing, and the ratios to the yardsticks measured for the same shape.
/// </summary>
/// <remarks>
/// The rates (TFLOP/s, GB/s, fractions of the device's peaks) come from the warm median. VsCublas is
/// cuBLAS's warm median over ours (1 = as fast as cuBLAS; GEMM rows of a CUDA run only); VsCudnn is
/// PyTorch/cuDNN's warm median with TF32 off over ours (≥ 0.67: within 1.5x; when a reference file was
/// given), VsCudnnTf32 the same with TF32 on.
/// </remarks>
public sealed record KernelBenchResult(
    string Family, string Op, int Version, string Kernel, string Source, int Batch, string Shape, string ShapeKey,
    double Flops, double Bytes, KernelTimingStats? Warm, KernelTimingStats? Flushed,
    bool ValidBefore, bool ValidAfter, double MaxAbsError, string? Note,
    double? TflopsPerSecond, double? GigabytesPerSecond, double? FractionOfPeakFlops, double? FractionOfPeakBandwidth,
    double? VsCublas = null, double? VsCudnn = null, double? VsCudnnTf32 = null)
{
    public bool Valid => ValidBefore && ValidAfter;

    /// <summary>"compute" or "memory": which peak the kernel comes closer to; null where the peaks are unknown.</summary>
    public string? Bound => FractionOfPeakFlops is { } f && FractionOfPeakBandwidth is { } b ? (f >= b ? "compute" : "memory") : null;

    /// <summary>The larger of the two fractions of peak.</summary>
    public double? FractionOfPeak => FractionOfPeakFlops is { } f && FractionOfPeakBandwidth is { } b ? Math.Max(f, b) : null;
}
