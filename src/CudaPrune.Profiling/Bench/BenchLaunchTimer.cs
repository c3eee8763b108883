using CudaPrune.Cuda.Runtime;
using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// Times one launch of <c>bench kernels</c> with a CUDA event pair per run, warm (back to back, its data
/// left in L2 by the run before) or with L2 flushed (a memset of a buffer twice the L2 size before each
/// run, outside the pair).
/// </summary>
/// <remarks>
/// All runs are queued behind a checked spin (<see cref="QueueAheadSpin"/>), so no run waits for the host
/// and each pair brackets GPU time only. The emulator needs none: its launches run as they are queued.
/// </remarks>
public sealed class BenchLaunchTimer : IDisposable
{
    // Host time to queue one run (memset, two events, the launch), generously: the spin must outlast the queueing.
    private const double QueueMicrosecondsPerRun = 60;
    private const double SpinBaseMicroseconds = 2000;

    private readonly IGpu _gpu;
    private readonly DeviceBuffer _flush;
    private readonly QueueAheadSpin _spin;

    public BenchLaunchTimer(IGpu gpu)
    {
        _gpu = gpu;
        long l2 = Math.Max(gpu.Properties.L2CacheBytes, 4L << 20);
        _flush = new DeviceBuffer(gpu, 2 * l2);
        _spin = new QueueAheadSpin(gpu);
    }

    /// <summary>Bytes written between runs to evict L2.</summary>
    public long FlushBytes => _flush.Bytes;

    /// <summary>How the last <see cref="Time"/> was queued (spin, queueing time, whether the spin outlasted it).</summary>
    public SpinCheck LastCheck { get; private set; } = SpinCheck.NotSpun;

    /// <summary>Runs <paramref name="launch"/> <paramref name="runs"/> times and returns each run's time.</summary>
    public IReadOnlyList<double> Time(Action launch, int runs, bool flushL2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var starts = new GpuEvent[runs];
        var ends = new GpuEvent[runs];
        try
        {
            for (int i = 0; i < runs; i++)
            {
                starts[i] = _gpu.CreateEvent();
                ends[i] = _gpu.CreateEvent();
            }
            var (times, check) = _spin.Run(SpinBaseMicroseconds + runs * QueueMicrosecondsPerRun, () =>
            {
                for (int i = 0; i < runs; i++)
                {
                    if (flushL2) _gpu.Memset32(_flush.Ptr, 0, _flush.Bytes / 4);
                    _gpu.Record(starts[i]);
                    launch();
                    _gpu.Record(ends[i]);
                }
            }, () =>
            {
                _gpu.Synchronize();
                var elapsed = new double[runs];
                for (int i = 0; i < runs; i++) elapsed[i] = _gpu.ElapsedMilliseconds(starts[i], ends[i]);
                return elapsed;
            });
            LastCheck = check;
            return times;
        }
        finally
        {
            foreach (var e in starts) e?.Dispose();
            foreach (var e in ends) e?.Dispose();
        }
    }

    public void Dispose()
    {
        _spin.Dispose();
        _flush.Dispose();
    }
}
