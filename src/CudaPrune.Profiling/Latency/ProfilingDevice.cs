using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// What latency profiling needs from a backend: a per-kernel timer (CUDA events or the stopwatch), an
/// interval timer for whole passes, a cache flush between runs, the device's peaks, and whether forward
/// passes can be captured as CUDA graphs.
/// </summary>
public abstract class ProfilingDevice : IDisposable
{
    /// <summary>The profiling device of <paramref name="backend"/>.</summary>
    public static ProfilingDevice For(IBackend backend) => backend switch
    {
        CudaBackend cuda => new GpuProfilingDevice(cuda),
        CpuBackend cpu => new CpuProfilingDevice(cpu),
        _ => throw new ArgumentException($"cannot profile on backend {backend.Name}: expected the CPU or the CUDA backend"),
    };

    /// <summary>The device in words, with what matters for timings (threads, architecture, driver).</summary>
    public abstract string Description { get; }

    /// <summary>Driver version ("12.8"), or "" without one.</summary>
    public abstract string Driver { get; }

    public abstract DevicePeaks Peaks { get; }

    /// <summary>How many bytes <see cref="FlushCache"/> writes (more than the last-level cache: L2 on a GPU).</summary>
    public abstract long FlushBytes { get; }

    /// <summary>Whether forward passes can be captured and replayed as CUDA graphs.</summary>
    public abstract bool SupportsGraphs { get; }

    /// <summary>A timer for every op or launch of a run.</summary>
    public abstract KernelTimer CreateKernelTimer();

    /// <summary>
    /// What per-kernel timed runs are queued behind (<see cref="QueueAheadSpin"/>), or null where the timer
    /// needs nothing ahead of it (the CPU's stopwatch).
    /// </summary>
    public virtual QueueAheadSpin? CreateQueueAheadSpin() => null;

    /// <summary>A timer for whole passes.</summary>
    public abstract IntervalTimer CreateIntervalTimer();

    /// <summary>Evicts the cache by writing a buffer bigger than it (a memset on the GPU), ordered before later work.</summary>
    public abstract void FlushCache();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
