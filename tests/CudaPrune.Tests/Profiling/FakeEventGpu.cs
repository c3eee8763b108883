using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Profiling;

/// <summary>
/// A test double of <see cref="IGpu"/> for the timers: events are stamped by a fake device clock that moves
/// 1 ms per record (and by <see cref="Advance"/>); it counts events created, records and synchronizations,
/// and lists the kernels launched. As a non-emulated device (<paramref name="emulated"/> false) it has a
/// 1 GHz clock, and bench_spin_kernel1 moves the device clock by the cycles it is given.
/// </summary>
internal sealed unsafe class FakeEventGpu(bool emulated = true) : IGpu
{
    public const int ClockKHz = 1_000_000;

    private double _clockMs;
    private int _elapsedQueries;

    /// <summary>The kernels launched, in order.</summary>
    public List<string> Launched { get; } = [];

    public int EventsCreated { get; private set; }
    public int Records { get; private set; }
    public int Synchronizations { get; private set; }

    public void Advance(double ms) => _clockMs += ms;

    public string Name => "fake event GPU";
    public bool IsEmulated => emulated;
    public GpuProperties Properties { get; } = new("fake event GPU", 0, 0, 1, 1 << 20, 0, emulated ? 0 : ClockKHz, 0, 0, 0, 0);

    public GpuEvent CreateEvent()
    {
        EventsCreated++;
        return new FakeEvent();
    }

    public void Record(GpuEvent ev)
    {
        Records++;
        _clockMs += 1;
        ((FakeEvent)ev).Ms = _clockMs;
    }

    public float ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        _elapsedQueries++;
        return (float)(((FakeEvent)end).Ms - ((FakeEvent)start).Ms);
    }

    public void Synchronize() => Synchronizations++;
    public long HostWaits => Synchronizations + _elapsedQueries;

    public DevicePtr Allocate(long bytes) => throw new NotSupportedException();
    public void Free(DevicePtr ptr) => throw new NotSupportedException();
    public void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src) => throw new NotSupportedException();
    public void CopyToHost(Span<byte> dst, DevicePtr src) => throw new NotSupportedException();
    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) => throw new NotSupportedException();
    public void Memset32(DevicePtr dst, uint value, long count32) => throw new NotSupportedException();
    public GpuKernel GetKernel(string moduleName, string kernelName) => new(moduleName, kernelName, 1);
    public GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines) => throw new NotSupportedException();

    public void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths)
    {
        Launched.Add(kernel.Name);
        if (kernel.Name == "bench_spin_kernel1") _clockMs += *(long*)args[0] / (double)ClockKHz;
    }

    public void BeginCapture() => throw new NotSupportedException();
    public GpuGraph EndCapture() => throw new NotSupportedException();
    public void LaunchGraph(GpuGraph graph) => throw new NotSupportedException();
    public (long Free, long Total) MemoryInfo() => (0, 0);
    public void Dispose() { }

    private sealed class FakeEvent : GpuEvent
    {
        public double Ms { get; set; }
        public override void Dispose() { }
    }
}
