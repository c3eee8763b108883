using System.Diagnostics;

namespace CudaPrune.Profiling.Latency;

/// <summary>Times each CPU op with the stopwatch: CPU ops run to completion before they return.</summary>
public sealed class StopwatchKernelTimer : KernelTimer
{
    private long[] _starts = [];
    private long[] _ends = [];

    protected override void GrowSlots(int capacity)
    {
        Array.Resize(ref _starts, capacity);
        Array.Resize(ref _ends, capacity);
    }

    protected override void StartTiming(int slot) => _starts[slot] = Stopwatch.GetTimestamp();

    protected override void StopTiming(int slot) => _ends[slot] = Stopwatch.GetTimestamp();

    protected override double ElapsedMicroseconds(int slot) => (_ends[slot] - _starts[slot]) * 1e6 / Stopwatch.Frequency;
}
