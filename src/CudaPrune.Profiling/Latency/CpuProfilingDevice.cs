using System.Globalization;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Profiling.Bench;

namespace CudaPrune.Profiling.Latency;

/// <summary>The CPU backend: a stopwatch per op, a flush by writing a buffer bigger than the last-level cache, no graphs.</summary>
public sealed class CpuProfilingDevice(CpuBackend backend) : ProfilingDevice
{
    private static readonly Lazy<double> CopyBandwidth = new(() => CpuBandwidth.MeasureBytesPerSecond(Environment.ProcessorCount));
    private readonly CpuPeak _peak = CpuPeak.Detect();
    private DevicePeaks? _peaks;
    private float[]? _flush;

    public override string Description => $"{backend} on {Environment.ProcessorCount} logical cores; {_peak}";

    public override string Driver => "";

    public override DevicePeaks Peaks => _peaks ??= Measure();

    private DevicePeaks Measure()
    {
        int cores = Math.Min(backend.Threads, Environment.ProcessorCount);
        return _peak.GflopsPerCore is double perCore
            ? new DevicePeaks(perCore * 1e9 * cores, CopyBandwidth.Value, string.Create(CultureInfo.InvariantCulture,
                $"FP32: {_peak.FlopsPerCycle} flop/cycle x {_peak.ClockGHz:F2} GHz x {cores} cores; memory: measured copy bandwidth"))
            : DevicePeaks.Unknown($"the CPU clock is unknown ({_peak.ClockSource})");
    }

    public override long FlushBytes => Math.Max(64L << 20, 2 * HostCache.LastLevelBytes());

    public override bool SupportsGraphs => false;

    public override KernelTimer CreateKernelTimer() => new StopwatchKernelTimer();

    public override IntervalTimer CreateIntervalTimer() => new StopwatchIntervalTimer();

    public override void FlushCache()
    {
        _flush ??= new float[FlushBytes / 4];
        var span = _flush.AsSpan();
        span.Fill(span[0] + 1f); // a new value every time, so nothing can skip the writes
    }
}
