using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CudaPrune.Cuda.Compilation;
using CudaPrune.Cuda.Diagnostics;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>
/// <see cref="IGpu"/> on the real CUDA driver: one device, its primary context and one stream.
/// Kernel files are compiled with NVRTC for the device on first use (through the disk cache) and
/// kept loaded; graphs are captured from the stream.
/// </summary>
/// <remarks>
/// Uploads are copied into pinned staging buffers (<see cref="StagingPool"/>) and queued on the stream:
/// they return without waiting for it, the host buffer free again, and run in order with the kernels. A
/// read back is queued and then waited for. <see cref="HostWaits"/> counts every wait. Capture uses
/// relaxed mode: memory may be allocated while capturing (it is allocated at once, not recorded), and the
/// caller keeps it alive as long as the graph. Copies to or from the host are refused while capturing: a
/// captured upload would become a graph node reading the staging buffer at every replay, long after the
/// pool reused it (and an upload from pageable memory cannot be captured at all).
/// </remarks>
public sealed unsafe class CudaGpu : IGpu
{
    private readonly Lock _gate = new();
    // One CUmodule per (module, defines key): each variant is its own module, so its CUfunctions are its own.
    private readonly Dictionary<(string Module, string Defines), CudaModule> _modules = [];
    private readonly Dictionary<(string Module, string Defines, string Kernel), GpuKernel> _byName = [];
    // Looked up on every launch: a lock-free read that allocates nothing.
    private readonly ConcurrentDictionary<nint, CudaKernel> _byHandle = new();
    private readonly StagingPool _staging;
    private string? _arch;
    private long _hostWaits; // Synchronize, CopyToHost, ElapsedMilliseconds; the pool counts its own
    private bool _capturing;
    private bool _disposed;

    /// <summary>Opens device <paramref name="ordinal"/>; throws <see cref="CudaException"/> when there is no driver or device.</summary>
    public CudaGpu(int ordinal = 0, KernelCompiler? compiler = null)
    {
        Device = CudaDevice.Open(ordinal);
        try
        {
            Stream = new CudaStream(Device);
            _staging = new StagingPool(new CudaStagingDriver(Device, Stream)); // pins nothing until the first upload
        }
        catch
        {
            Device.Dispose();
            throw;
        }
        Compiler = compiler ?? KernelCompiler.CreateDefault();
    }

    /// <summary>Opens device <paramref name="ordinal"/>, or says why it cannot; never throws.</summary>
    public static bool TryCreate(int ordinal, [NotNullWhen(true)] out CudaGpu? gpu, out string reason)
    {
        gpu = null;
        if (!CudaDevice.TryInitializeDriver(out reason)) return false;
        try
        {
            gpu = new CudaGpu(ordinal);
            return true;
        }
        catch (Exception e) when (e is CudaException or ArgumentOutOfRangeException)
        {
            reason = e.Message;
            return false;
        }
    }

    public CudaDevice Device { get; }
    public CudaStream Stream { get; }
    public KernelCompiler Compiler { get; }

    /// <summary>The NVRTC target kernels are built for ("sm_90"); needs NVRTC.</summary>
    public string Arch => _arch ??= KernelCompiler.ArchFor(Properties.ComputeMajor, Properties.ComputeMinor);

    public string Name => Properties.Name;
    public bool IsEmulated => false;
    public GpuProperties Properties => Device.Properties;

    /// <summary>Host waits: every Synchronize, CopyToHost and ElapsedMilliseconds, and every upload that found the staging pool exhausted.</summary>
    public long HostWaits => Interlocked.Read(ref _hostWaits) + _staging.HostWaits;

    /// <summary>The pinned buffers uploads go through.</summary>
    internal StagingPool Staging => _staging;

    public DevicePtr Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0) return DevicePtr.Null;
        Device.MakeCurrent();
        var r = cuMemAlloc_v2(out ulong ptr, (nuint)bytes);
        if (r == CuResult.Success) return new DevicePtr(ptr);
        string context = $"cannot allocate {ByteSize.Format(bytes)} ({bytes} B) on {Name}";
        if (r == CuResult.ErrorOutOfMemory)
        {
            var (free, total) = MemoryInfo();
            context += $": {ByteSize.Format(free)} free of {ByteSize.Format(total)}";
        }
        throw Error(r, "cuMemAlloc_v2", context);
    }

    public void Free(DevicePtr ptr)
    {
        if (ptr.IsNull) return;
        Device.MakeCurrent();
        Check(cuMemFree_v2(ptr.Value));
    }

    public void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src)
    {
        RefuseWhileCapturing("a copy from the host");
        if (src.IsEmpty) return;
        Device.MakeCurrent();
        // Into pinned memory, then queued: the host buffer (pageable, maybe on the stack) may be reused on
        // return, and the stream is not drained.
        _staging.Upload(dst, src);
    }

    public void CopyToHost(Span<byte> dst, DevicePtr src)
    {
        RefuseWhileCapturing("a copy to the host");
        if (dst.IsEmpty) return;
        Device.MakeCurrent();
        Interlocked.Increment(ref _hostWaits);
        fixed (byte* p = dst)
        {
            Check(cuMemcpyDtoHAsync_v2(p, src.Value, (nuint)dst.Length, Stream.Handle));
            WaitForStream($"copying {dst.Length} B from {src} to the host");
        }
    }

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0) return;
        Device.MakeCurrent();
        Check(cuMemcpyDtoDAsync_v2(dst.Value, src.Value, (nuint)bytes, Stream.Handle));
    }

    public void Memset32(DevicePtr dst, uint value, long count32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count32);
        if (count32 == 0) return;
        Device.MakeCurrent();
        Check(cuMemsetD32Async(dst.Value, value, (nuint)count32, Stream.Handle));
    }

    public GpuKernel GetKernel(string moduleName, string kernelName) => GetKernel(moduleName, kernelName, ModuleDefines.None);

    public GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines)
    {
        ArgumentNullException.ThrowIfNull(defines);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_byName.TryGetValue((moduleName, defines.Key, kernelName), out var known)) return known;
            if (!_modules.TryGetValue((moduleName, defines.Key), out var module))
            {
                // The defines are NVRTC options, hence part of the disk cache's key (KernelCache.Key).
                module = new CudaModule(Device, Compiler.Compile(moduleName, Arch, defines.CompilerOptions), defines);
                _modules[(moduleName, defines.Key)] = module;
            }
            CudaKernel kernel = module.GetKernel(kernelName);
            var handle = new GpuKernel(moduleName, kernelName, kernel.Handle, defines);
            _byHandle[kernel.Handle] = kernel;
            _byName[(moduleName, defines.Key, kernelName)] = handle;
            return handle;
        }
    }

    // The argument widths are not checked here: the driver reports a kernel's parameters only from
    // CUDA 12.4 on (cuFuncGetParamInfo), which we do not require. The emulator checks every launch of
    // every launcher against the kernel's signature in CI (EmulatedKernelCheckTests).
    public void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths)
    {
        if (!_byHandle.TryGetValue(kernel.Handle, out var cudaKernel))
            throw new ArgumentException($"kernel {kernel} does not belong to this CudaGpu: get it from this GPU's GetKernel", nameof(kernel));
        cudaKernel.Launch(Stream, grid, block, dynamicSharedBytes, args);
    }

    public GpuEvent CreateEvent() => new CudaEvent(Device);

    public void Record(GpuEvent ev) => AsCuda(ev).Record(Stream);

    public float ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        RefuseWhileCapturing("waiting for an event");
        Interlocked.Increment(ref _hostWaits);
        return CudaEvent.ElapsedMilliseconds(AsCuda(start), AsCuda(end));
    }

    public void BeginCapture()
    {
        if (_capturing) throw new InvalidOperationException("a graph capture is already in progress on this GPU's stream");
        Device.MakeCurrent();
        Check(cuStreamBeginCapture_v2(Stream.Handle, CuStreamCaptureMode.Relaxed));
        _capturing = true;
    }

    public GpuGraph EndCapture()
    {
        if (!_capturing) throw new InvalidOperationException("EndCapture without BeginCapture");
        _capturing = false;
        Device.MakeCurrent();
        var r = cuStreamEndCapture(Stream.Handle, out nint graph);
        if (r != CuResult.Success) throw Error(r, "cuStreamEndCapture", "the graph capture failed (a call made during it cannot be captured)");
        return new CudaGraph(Device, graph);
    }

    public void LaunchGraph(GpuGraph graph)
    {
        if (graph is not CudaGraph cudaGraph)
            throw new ArgumentException($"a {graph.GetType().Name} cannot run on the CUDA driver: capture it with this CudaGpu", nameof(graph));
        cudaGraph.Launch(Stream);
    }

    public void Synchronize()
    {
        RefuseWhileCapturing("Synchronize");
        Device.MakeCurrent();
        Interlocked.Increment(ref _hostWaits);
        WaitForStream("waiting for the stream");
    }

    public (long Free, long Total) MemoryInfo() => Device.MemoryInfo();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Keep going after a failure (a sticky error fails every later call) and report the first one.
        var errors = new List<Exception>();
        void Run(Action step)
        {
            try { step(); }
            catch (CudaException e) { errors.Add(e); }
        }
        if (_capturing) Run(() => { _capturing = false; Check(cuStreamEndCapture(Stream.Handle, out nint g)); Check(cuGraphDestroy(g)); });
        Run(Synchronize);
        Run(_staging.Dispose); // after the stream is drained: no copy still reads a staging buffer
        foreach (var module in _modules.Values) Run(module.Dispose);
        Run(Stream.Dispose);
        Run(Device.Dispose);
        if (errors.Count > 0) throw errors[0];
    }

    public override string ToString() => $"{Name} ({Properties.Arch})";

    private void WaitForStream(string what)
    {
        var r = cuStreamSynchronize(Stream.Handle);
        if (r != CuResult.Success) throw Error(r, "cuStreamSynchronize", $"{what} failed (the error may come from an earlier kernel, reported here asynchronously)");
    }

    private void RefuseWhileCapturing(string what)
    {
        if (_capturing) throw new InvalidOperationException($"{what} cannot be part of a captured graph: end the capture first");
    }

    private static CudaEvent AsCuda(GpuEvent ev) =>
        ev as CudaEvent ?? throw new ArgumentException($"a {ev.GetType().Name} is not a CUDA event: create it with this CudaGpu", nameof(ev));
}
