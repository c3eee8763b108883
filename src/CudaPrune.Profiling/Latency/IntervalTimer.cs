using System.Diagnostics;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Latency;

/// <summary>Times one interval of work: a whole forward pass or a graph replay.</summary>
public abstract class IntervalTimer : IDisposable
{
    public abstract void Start();

    public abstract void Stop();

    /// <summary>The last interval in microseconds; waits for its work to finish.</summary>
    public abstract double ElapsedMicroseconds();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>The host stopwatch (CPU work is done when the call returns).</summary>
public sealed class StopwatchIntervalTimer : IntervalTimer
{
    private long _start, _end;

    public override void Start() => _start = Stopwatch.GetTimestamp();

    public override void Stop() => _end = Stopwatch.GetTimestamp();

    public override double ElapsedMicroseconds() => (_end - _start) * 1e6 / Stopwatch.Frequency;
}

/// <summary>Two CUDA events on the stream: the device time from the first to the last queued piece of work.</summary>
public sealed class CudaEventIntervalTimer(IGpu gpu) : IntervalTimer
{
    private readonly GpuEvent _start = gpu.CreateEvent();
    private readonly GpuEvent _end = gpu.CreateEvent();

    public override void Start() => gpu.Record(_start);

    public override void Stop() => gpu.Record(_end);

    public override double ElapsedMicroseconds() => gpu.ElapsedMilliseconds(_start, _end) * 1000.0;

    public override void Dispose()
    {
        _start.Dispose();
        _end.Dispose();
        base.Dispose();
    }
}
