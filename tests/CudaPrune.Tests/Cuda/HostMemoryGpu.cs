using System.Runtime.InteropServices;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

/// <summary>A test double of <see cref="IGpu"/> whose "device" memory is host memory; it counts allocations and frees.</summary>
internal sealed unsafe class HostMemoryGpu : IGpu
{
    private readonly Dictionary<ulong, long> _live = [];

    public int Allocations { get; private set; }
    public int Frees { get; private set; }
    public int Live => _live.Count;

    public string Name => "host-memory test GPU";
    public bool IsEmulated => true;
    public GpuProperties Properties { get; } = new("host-memory test GPU", 0, 0, 1, 1 << 30, 0, 0, 0, 0, 0, 0);

    public DevicePtr Allocate(long bytes)
    {
        ulong p = (ulong)NativeMemory.Alloc((nuint)Math.Max(bytes, 1));
        _live[p] = bytes;
        Allocations++;
        return new DevicePtr(p);
    }

    public void Free(DevicePtr ptr)
    {
        if (!_live.Remove(ptr.Value)) throw new InvalidOperationException($"{ptr} is not allocated");
        NativeMemory.Free((void*)ptr.Value);
        Frees++;
    }

    public void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src) => src.CopyTo(new Span<byte>((void*)dst.Value, src.Length));
    public void CopyToHost(Span<byte> dst, DevicePtr src)
    {
        HostWaits++;
        new ReadOnlySpan<byte>((void*)src.Value, dst.Length).CopyTo(dst);
    }
    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) => Buffer.MemoryCopy((void*)src.Value, (void*)dst.Value, bytes, bytes);
    public void Memset32(DevicePtr dst, uint value, long count32) => new Span<uint>((void*)dst.Value, checked((int)count32)).Fill(value);

    public GpuKernel GetKernel(string moduleName, string kernelName) => throw new NotSupportedException();
    public GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines) => throw new NotSupportedException();
    public void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths) => throw new NotSupportedException();
    public GpuEvent CreateEvent() => throw new NotSupportedException();
    public void Record(GpuEvent ev) => throw new NotSupportedException();
    public float ElapsedMilliseconds(GpuEvent start, GpuEvent end) => throw new NotSupportedException();
    public void BeginCapture() => throw new NotSupportedException();
    public GpuGraph EndCapture() => throw new NotSupportedException();
    public void LaunchGraph(GpuGraph graph) => throw new NotSupportedException();
    public void Synchronize() => HostWaits++;
    public long HostWaits { get; private set; }
    public (long Free, long Total) MemoryInfo() => (Properties.TotalMemoryBytes, Properties.TotalMemoryBytes);

    public void Dispose()
    {
        foreach (ulong p in _live.Keys) NativeMemory.Free((void*)p);
        _live.Clear();
    }
}
