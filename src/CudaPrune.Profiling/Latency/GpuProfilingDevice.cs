using System.Globalization;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Tensors;
using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Latency;

/// <summary>The CUDA backend (a real GPU or the emulator): CUDA events, an L2 flush by memset, graphs.</summary>
public sealed class GpuProfilingDevice(CudaBackend backend) : ProfilingDevice
{
    // Below this, a flush buffer would not evict anything worth measuring; the emulator reports the host's LLC.
    private const long MinimumFlushBytes = 8L << 20;

    private Tensor? _flush;

    public override string Description
    {
        get
        {
            var p = backend.Gpu.Properties;
            return backend.Gpu.IsEmulated
                ? "emulated (our CUDA kernels run on the CPU by the emulator; times are host times)"
                : $"{p.Name}, {p.Arch}, {p.MultiprocessorCount} SMs, {p.TotalMemoryBytes / (1L << 30)} GiB, L2 {p.L2CacheBytes / (1L << 20)} MiB, driver {Driver}";
        }
    }

    public override string Driver
    {
        get
        {
            int v = backend.Gpu.Properties.DriverVersion;
            return v == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{v / 1000}.{v % 1000 / 10}");
        }
    }

    public override DevicePeaks Peaks
    {
        get
        {
            var p = backend.Gpu.Properties;
            return p.PeakFp32FlopsPerSecond > 0 && p.PeakBandwidthBytesPerSecond > 0
                ? new DevicePeaks(p.PeakFp32FlopsPerSecond, p.PeakBandwidthBytesPerSecond,
                    "FP32: 128 lanes x 2 x SMs x peak clock; DRAM: 2 x memory clock x bus width (driver attributes)")
                : DevicePeaks.Unknown("the device reports no clocks (emulated)");
        }
    }

    public override long FlushBytes => Math.Max(MinimumFlushBytes, 2 * backend.Gpu.Properties.L2CacheBytes);

    public override bool SupportsGraphs => true;

    public override KernelTimer CreateKernelTimer() => new CudaEventKernelTimer(backend.Gpu);

    public override QueueAheadSpin CreateQueueAheadSpin() => new(backend.Gpu);

    public override IntervalTimer CreateIntervalTimer() => new CudaEventIntervalTimer(backend.Gpu);

    public override void FlushCache()
    {
        if (_flush is null)
            using (DisposeScope.Suspend()) _flush = backend.Empty([checked((int)(FlushBytes / 4))]);
        backend.Gpu.Memset32(_flush.Ptr, 0, _flush.Count);
    }

    public override void Dispose()
    {
        _flush?.Dispose();
        _flush = null;
        base.Dispose();
    }
}
