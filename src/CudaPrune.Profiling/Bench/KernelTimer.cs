using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// Times a launch with a CUDA event pair per run, warm (back to back, its data left in L2 by the run
/// before) or with L2 flushed (a memset of a buffer twice the L2 size before each run, outside the pair).
/// </summary>
/// <remarks>
/// All runs are queued behind bench_spin_kernel1 (kernels/bench.cu), which keeps the GPU busy while the
/// host queues them, so no run waits for the host and each pair brackets GPU time only. The emulator has
/// no such kernel and needs none: its launches run to completion as they are queued.
/// </remarks>
public sealed class KernelTimer : IDisposable
{
    // Host time to queue one run (memset, two events, the launch), generously: the spin must outlast the queueing.
    private const double QueueMicrosecondsPerRun = 60;
    private const double SpinBaseMicroseconds = 2000;

    private readonly IGpu _gpu;
    private readonly DeviceBuffer _flush;
    private readonly GpuKernel? _spin;

    public KernelTimer(IGpu gpu)
    {
        _gpu = gpu;
        long l2 = Math.Max(gpu.Properties.L2CacheBytes, 4L << 20);
        _flush = new DeviceBuffer(gpu, 2 * l2);
        _spin = gpu.IsEmulated ? null : gpu.GetKernel("bench", "bench_spin_kernel1");
    }

    /// <summary>Bytes written between runs to evict L2.</summary>
    public long FlushBytes => _flush.Bytes;

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
            Spin(SpinBaseMicroseconds + runs * QueueMicrosecondsPerRun);
            for (int i = 0; i < runs; i++)
            {
                if (flushL2) _gpu.Memset32(_flush.Ptr, 0, _flush.Bytes / 4);
                _gpu.Record(starts[i]);
                launch();
                _gpu.Record(ends[i]);
            }
            _gpu.Synchronize();
            var times = new double[runs];
            for (int i = 0; i < runs; i++) times[i] = _gpu.ElapsedMilliseconds(starts[i], ends[i]);
            return times;
        }
        finally
        {
            foreach (var e in starts) e?.Dispose();
            foreach (var e in ends) e?.Dispose();
        }
    }

    private unsafe void Spin(double microseconds)
    {
        if (_spin is null) return;
        long clockKHz = _gpu.Properties.ClockRateKHz > 0 ? _gpu.Properties.ClockRateKHz : 2_000_000;
        long cycles = (long)(microseconds * clockKHz / 1000);
        var args = new KernelArgs();
        args.Add(cycles);
        _gpu.Launch(_spin, 1, 32, 0, args.Pointers, args.Widths);
    }

    public void Dispose() => _flush.Dispose();
}
