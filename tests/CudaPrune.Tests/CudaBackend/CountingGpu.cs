using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>A test double around a real <see cref="IGpu"/> that counts the calls which make the host wait, and allocations.</summary>
internal sealed unsafe class CountingGpu(IGpu inner) : IGpu
{
    public int Synchronizes { get; private set; }
    public int CopiesToHost { get; private set; }
    public int Allocations { get; private set; }
    public int Launches { get; private set; }

    /// <summary>Calls that wait for the device: Synchronize, CopyToHost, ElapsedMilliseconds.</summary>
    public int HostWaits => Synchronizes + CopiesToHost + ElapsedQueries;

    private int ElapsedQueries { get; set; }

    public string Name => inner.Name;
    public bool IsEmulated => inner.IsEmulated;
    public GpuProperties Properties => inner.Properties;

    public DevicePtr Allocate(long bytes)
    {
        Allocations++;
        return inner.Allocate(bytes);
    }

    public void Free(DevicePtr ptr) => inner.Free(ptr);
    public void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src) => inner.CopyToDevice(dst, src);

    public void CopyToHost(Span<byte> dst, DevicePtr src)
    {
        CopiesToHost++;
        inner.CopyToHost(dst, src);
    }

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) => inner.CopyDeviceToDevice(dst, src, bytes);
    public void Memset32(DevicePtr dst, uint value, long count32) => inner.Memset32(dst, value, count32);
    public GpuKernel GetKernel(string moduleName, string kernelName) => inner.GetKernel(moduleName, kernelName);
    public GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines) => inner.GetKernel(moduleName, kernelName, defines);

    public void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths)
    {
        Launches++;
        inner.Launch(kernel, grid, block, dynamicSharedBytes, args, argWidths);
    }

    public GpuEvent CreateEvent() => inner.CreateEvent();
    public void Record(GpuEvent ev) => inner.Record(ev);

    public float ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        ElapsedQueries++;
        return inner.ElapsedMilliseconds(start, end);
    }

    public void BeginCapture() => inner.BeginCapture();
    public GpuGraph EndCapture() => inner.EndCapture();
    public void LaunchGraph(GpuGraph graph) => inner.LaunchGraph(graph);

    public void Synchronize()
    {
        Synchronizes++;
        inner.Synchronize();
    }

    public (long Free, long Total) MemoryInfo() => inner.MemoryInfo();
    public void Dispose() => inner.Dispose();
}
