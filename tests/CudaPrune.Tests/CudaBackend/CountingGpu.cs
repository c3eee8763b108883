using System.Text;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// A test double around a real <see cref="IGpu"/> that counts calls, and writes a timeline of the stream's
/// work and the host's waits: <c>U</c> an upload, <c>L</c> other queued work (a launch, graph, memset or device copy), <c>W</c> a host wait, as the
/// device itself accounts for it (<see cref="IGpu.HostWaits"/>, uploads included).
/// </summary>
internal sealed unsafe class CountingGpu(IGpu inner) : IGpu
{
    private readonly StringBuilder _timeline = new();

    public int Synchronizes { get; private set; }
    public int CopiesToHost { get; private set; }
    public int Uploads { get; private set; }
    public int Allocations { get; private set; }
    public int Launches { get; private set; }

    /// <summary>The device's own count of host waits: Synchronize, CopyToHost, ElapsedMilliseconds, and uploads that waited.</summary>
    public long HostWaits => inner.HostWaits;

    /// <summary>"UULLL…WW…": each upload, launch and host wait since the start or <see cref="ClearTimeline"/>, in order.</summary>
    public string Timeline => _timeline.ToString();

    public void ClearTimeline() => _timeline.Clear();

    public string Name => inner.Name;
    public bool IsEmulated => inner.IsEmulated;
    public GpuProperties Properties => inner.Properties;

    public DevicePtr Allocate(long bytes)
    {
        Allocations++;
        long before = inner.HostWaits;
        var ptr = inner.Allocate(bytes);
        Note(before, null);
        return ptr;
    }

    public void Free(DevicePtr ptr)
    {
        long before = inner.HostWaits;
        inner.Free(ptr);
        Note(before, null);
    }

    public void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src)
    {
        Uploads++;
        long before = inner.HostWaits;
        inner.CopyToDevice(dst, src);
        Note(before, 'U');
    }

    public void CopyToHost(Span<byte> dst, DevicePtr src)
    {
        CopiesToHost++;
        long before = inner.HostWaits;
        inner.CopyToHost(dst, src);
        Note(before, null);
    }

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes)
    {
        long before = inner.HostWaits;
        inner.CopyDeviceToDevice(dst, src, bytes);
        Note(before, 'L');
    }

    public void Memset32(DevicePtr dst, uint value, long count32)
    {
        long before = inner.HostWaits;
        inner.Memset32(dst, value, count32);
        Note(before, 'L');
    }
    public GpuKernel GetKernel(string moduleName, string kernelName) => inner.GetKernel(moduleName, kernelName);
    public GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines) => inner.GetKernel(moduleName, kernelName, defines);

    public void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths)
    {
        Launches++;
        long before = inner.HostWaits;
        inner.Launch(kernel, grid, block, dynamicSharedBytes, args, argWidths);
        Note(before, 'L');
    }

    public GpuEvent CreateEvent() => inner.CreateEvent();
    public void Record(GpuEvent ev) => inner.Record(ev);

    public float ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        long before = inner.HostWaits;
        var ms = inner.ElapsedMilliseconds(start, end);
        Note(before, null);
        return ms;
    }

    public void BeginCapture() => inner.BeginCapture();
    public GpuGraph EndCapture() => inner.EndCapture();

    public void LaunchGraph(GpuGraph graph)
    {
        long before = inner.HostWaits;
        inner.LaunchGraph(graph);
        Note(before, 'L');
    }

    public void Synchronize()
    {
        Synchronizes++;
        long before = inner.HostWaits;
        inner.Synchronize();
        Note(before, null);
    }

    public (long Free, long Total) MemoryInfo() => inner.MemoryInfo();
    public void Dispose() => inner.Dispose();

    // The waits the call made (before its own work, as an upload waits for a staging buffer before it
    // queues its copy), then the call's own mark.
    private void Note(long waitsBefore, char? mark)
    {
        _timeline.Append('W', (int)(inner.HostWaits - waitsBefore));
        if (mark is { } m) _timeline.Append(m);
    }
}
