using System.Diagnostics;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// An <see cref="IGpu"/> that runs the kernels on the CPU: kernels/*.cu compiled by g++ against the
/// emulation header (<see cref="EmulatorBuild"/>), host memory standing in for device memory. Slow;
/// for tests, CI and debugging (docs/EMULATOR.md).
/// </summary>
/// <remarks>
/// Every launch runs to completion before <see cref="Launch"/> returns, so events time the work before
/// them and <see cref="Synchronize"/> has nothing to wait for. Launch configurations are checked as
/// the driver checks them; a kernel that deadlocks at a barrier, diverges at a warp collective or
/// calls <c>__trap()</c> throws <see cref="EmulatedKernelException"/> from the launch. The library is
/// built (or taken from the cache) at the first <see cref="GetKernel(string, string)"/>; a module variant
/// (defines) is a library of its own, built at its first <see cref="GetKernel(string, string, ModuleDefines)"/>.
/// </remarks>
public sealed unsafe class EmulatedGpu : IGpu
{
    // As the native launcher enforces (emu/launcher.cpp): an H100's 227 KiB per block, dynamic memory
    // above the default 48 KiB being opted into at launch, as CudaGpu does.
    private const int SharedMemoryPerBlockOptin = 227 * 1024;

    private readonly EmulatorSources _sources;
    private readonly EmulatorBuildOptions? _options;
    private readonly EmulatedMemory _memory = new();
    private readonly EmulatorLibrarySet _libraries;
    private List<GraphNode>? _capture;
    private ulong _launches; // seeds each launch's thread orders and poison patterns: reproducible per device
    private long _hostWaits;
    private bool _disposed;

    /// <param name="sources">The kernels; default: the project's (<see cref="EmulatorSources.ForProject"/>).</param>
    /// <param name="options">Build options; default: g++ from the PATH, the user cache folder.</param>
    public EmulatedGpu(EmulatorSources? sources = null, EmulatorBuildOptions? options = null)
    {
        _sources = sources ?? EmulatorSources.ForProject();
        _options = options;
        _libraries = new EmulatorLibrarySet(_sources, _options);
        Properties = EmulatedProperties();
    }

    public string Name => "emulated";
    public bool IsEmulated => true;
    public GpuProperties Properties { get; }

    /// <summary>The kernels of the build (builds it on first use).</summary>
    public IReadOnlyList<EmulatedKernelInfo> Kernels => Library.Kernels;

    /// <summary>The kernels the build leaves out, with the reason (tensor-core code, say).</summary>
    public IReadOnlyList<GpuOnlyKernel> GpuOnlyKernels => Library.GpuOnly;

    private EmulatorLibrary Library => _libraries.Main;

    /// <summary>
    /// The waits a GPU would make: Synchronize, CopyToHost, ElapsedMilliseconds. Uploads are not counted,
    /// as on <c>CudaGpu</c>, whose uploads are staged and queued (here they are simply done at once; the
    /// staging memory of a GPU is never exhausted in this account).
    /// </summary>
    public long HostWaits => Interlocked.Read(ref _hostWaits);

    public DevicePtr Allocate(long bytes)
    {
        ThrowIfDisposed();
        return _memory.Allocate(bytes);
    }

    public void Free(DevicePtr ptr)
    {
        ThrowIfDisposed();
        _memory.Free(ptr);
    }

    public void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src)
    {
        ThrowIfDisposed();
        // Refused as CudaGpu refuses it: a captured upload would replay from staging memory reused since.
        if (_capture is not null)
            throw new InvalidOperationException($"{nameof(CopyToDevice)} cannot be part of a captured graph: its staging buffer would be reused before a replay reads it; upload before the capture");
        src.CopyTo(new Span<byte>(_memory.Check(dst, src.Length, nameof(CopyToDevice)), src.Length));
    }

    public void CopyToHost(Span<byte> dst, DevicePtr src)
    {
        ThrowIfCapturing(nameof(CopyToHost));
        Interlocked.Increment(ref _hostWaits);
        new ReadOnlySpan<byte>(_memory.Check(src, dst.Length, nameof(CopyToHost)), dst.Length).CopyTo(dst);
    }

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes)
    {
        ThrowIfDisposed();
        var to = _memory.Check(dst, bytes, $"{nameof(CopyDeviceToDevice)} destination");
        var from = _memory.Check(src, bytes, $"{nameof(CopyDeviceToDevice)} source");
        if (_capture is not null) _capture.Add(new CopyNode(dst, src, bytes));
        else Buffer.MemoryCopy(from, to, bytes, bytes);
    }

    public void Memset32(DevicePtr dst, uint value, long count32)
    {
        ThrowIfDisposed();
        var to = (uint*)_memory.Check(dst, checked(count32 * 4), nameof(Memset32));
        if (_capture is not null) _capture.Add(new MemsetNode(dst, value, count32));
        else for (long i = 0; i < count32; i += int.MaxValue) new Span<uint>(to + i, (int)Math.Min(int.MaxValue, count32 - i)).Fill(value);
    }

    public GpuKernel GetKernel(string moduleName, string kernelName) => GetKernel(moduleName, kernelName, ModuleDefines.None);

    public GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines)
    {
        ArgumentNullException.ThrowIfNull(defines);
        ThrowIfDisposed();
        var slot = _libraries.SlotFor(moduleName, defines);
        var (library, slotDefines) = _libraries[slot];
        var variant = defines.IsEmpty ? "" : $" (compiled with {defines.Key})";
        var kernel = library.Kernels.FirstOrDefault(k => k.Name == kernelName);
        if (kernel is null)
        {
            var gpuOnly = library.GpuOnly.FirstOrDefault(k => k.Name == kernelName);
            if (gpuOnly is not null)
                throw new EmulatorUnsupportedKernelException($"kernel {kernelName} ({gpuOnly.Module}.cu{variant}) is not in the emulator build: {gpuOnly.Reason}");
            var inModule = library.Kernels.Where(k => k.Module == moduleName).Select(k => k.Name).ToList();
            throw new ArgumentException(inModule.Count > 0
                ? $"no kernel {kernelName} in {moduleName}.cu{variant}; it has: {string.Join(", ", inModule)}"
                : $"no kernel {kernelName}, and no module {moduleName}.cu with kernels{variant}; modules: {string.Join(", ", library.Kernels.Select(k => k.Module).Distinct())}",
                nameof(kernelName));
        }
        if (kernel.Module != moduleName)
            throw new ArgumentException($"kernel {kernelName} is defined in {kernel.Module}.cu, not {moduleName}.cu", nameof(moduleName));
        // The table's own strings and the slot's own defines: the per-launch check in KernelOf then
        // compares references.
        return new GpuKernel(kernel.Module, kernel.Name, EmulatorLibrarySet.Handle(slot, kernel.Index), slotDefines);
    }

    public void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths)
    {
        ThrowIfDisposed();
        var (library, info) = KernelOf(kernel);
        if (args is null && info.ArgSizes.Count > 0)
            throw new ArgumentNullException(nameof(args), $"{kernel.Name} takes {info.ArgSizes.Count} arguments");
        // Checked before running and before capturing: a replayed graph then only holds checked launches.
        LaunchArgumentCheck.Check(info, argWidths);
        ArgumentOutOfRangeException.ThrowIfNegative(dynamicSharedBytes);
        if (_capture is null)
        {
            Run(library, info, grid, block, dynamicSharedBytes, args);
            return;
        }
        var invalid = library.CheckLaunch(info.Index, grid, block, dynamicSharedBytes);
        if (invalid is not null) throw new ArgumentException(invalid);
        _capture.Add(CaptureLaunch(library, info, grid, block, dynamicSharedBytes, args));
    }

    public GpuEvent CreateEvent()
    {
        ThrowIfDisposed();
        return new EmulatedEvent();
    }

    public void Record(GpuEvent ev)
    {
        ThrowIfDisposed();
        var e = ev as EmulatedEvent ?? throw new ArgumentException("not an event of the emulated device", nameof(ev));
        if (_capture is not null) _capture.Add(new RecordNode(e));
        else e.Timestamp = Stopwatch.GetTimestamp();
    }

    public float ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        ThrowIfCapturing(nameof(ElapsedMilliseconds));
        Interlocked.Increment(ref _hostWaits);
        long Ticks(GpuEvent ev, string name) =>
            (ev as EmulatedEvent ?? throw new ArgumentException("not an event of the emulated device", name)).Timestamp
            ?? throw new InvalidOperationException($"event '{name}' was never recorded");
        return (float)((Ticks(end, nameof(end)) - Ticks(start, nameof(start))) * 1000.0 / Stopwatch.Frequency);
    }

    public void BeginCapture()
    {
        ThrowIfDisposed();
        if (_capture is not null) throw new InvalidOperationException("BeginCapture: a capture is already under way");
        _capture = [];
    }

    public GpuGraph EndCapture()
    {
        ThrowIfDisposed();
        var nodes = _capture ?? throw new InvalidOperationException("EndCapture without BeginCapture");
        _capture = null;
        return new EmulatedGraph(this, nodes);
    }

    public void LaunchGraph(GpuGraph graph)
    {
        ThrowIfDisposed();
        var g = graph as EmulatedGraph;
        if (g is null || g.Owner != this) throw new ArgumentException("not a graph captured on this emulated device", nameof(graph));
        ObjectDisposedException.ThrowIf(g.IsDisposed, g);
        if (_capture is not null)
        {
            _capture.AddRange(g.Nodes); // a graph launched inside a capture becomes part of it
            return;
        }
        foreach (var node in g.Nodes) Replay(node);
    }

    public void Synchronize()
    {
        ThrowIfCapturing(nameof(Synchronize));
        Interlocked.Increment(ref _hostWaits);
    }

    public (long Free, long Total) MemoryInfo() => (Properties.TotalMemoryBytes - _memory.AllocatedBytes, Properties.TotalMemoryBytes);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _memory.Dispose();
    }

    private void Run(EmulatorLibrary library, EmulatedKernelInfo info, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args)
    {
        switch (library.Launch(info.Index, grid, block, dynamicSharedBytes, args, _launches++))
        {
            case 0: return;
            case 1: throw new ArgumentException(library.LastError);
            default: throw new EmulatedKernelException(library.LastError);
        }
    }

    private static LaunchNode CaptureLaunch(EmulatorLibrary library, EmulatedKernelInfo info, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args)
    {
        var offsets = new int[info.ArgSizes.Count];
        int total = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = total;
            total += (info.ArgSizes[i] + 7) / 8 * 8;
        }
        var values = new byte[total];
        fixed (byte* v = values)
            for (int i = 0; i < offsets.Length; i++)
                Buffer.MemoryCopy(args[i], v + offsets[i], info.ArgSizes[i], info.ArgSizes[i]);
        return new LaunchNode(library, info, grid, block, dynamicSharedBytes, values, offsets);
    }

    private void Replay(GraphNode node)
    {
        switch (node)
        {
            case LaunchNode l:
                fixed (byte* v = l.Args)
                {
                    var args = stackalloc void*[Math.Max(1, l.Offsets.Length)];
                    for (int i = 0; i < l.Offsets.Length; i++) args[i] = v + l.Offsets[i];
                    Run(l.Library, l.Kernel, l.Grid, l.Block, l.DynamicSharedBytes, args);
                }
                break;
            case MemsetNode m: Memset32(m.Dst, m.Value, m.Count32); break;
            case CopyNode c: CopyDeviceToDevice(c.Dst, c.Src, c.Bytes); break;
            case RecordNode r: Record(r.Event); break;
        }
    }

    // The library and kernel a handle names (EmulatorLibrarySet.Handle), checked against its names and
    // defines: a handle of another device, or of another variant, is refused rather than run.
    private (EmulatorLibrary Library, EmulatedKernelInfo Kernel) KernelOf(GpuKernel kernel)
    {
        if (_libraries.Resolve(kernel.Handle) is not (var slot, var info) || info.Name != kernel.Name || !slot.Defines.Equals(kernel.Defines))
            throw new ArgumentException($"kernel {kernel} was not obtained from this emulated device's GetKernel", nameof(kernel));
        return (slot.Library, info);
    }

    private void ThrowIfCapturing(string what)
    {
        ThrowIfDisposed();
        if (_capture is not null)
            throw new InvalidOperationException($"{what} waits for the stream, which is not allowed while a graph is being captured (the driver fails it with CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED)");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    // Compute capability 0.0: no real architecture, so code that picks a kernel version by compute
    // capability (tensor cores from sm_80 on) falls back to the portable one by itself. SM count = the
    // worker threads, so grid-stride kernels sized "a few blocks per SM" stay cheap. Clocks unknown (0).
    private static GpuProperties EmulatedProperties() => new(
        Name: "emulated",
        ComputeMajor: 0,
        ComputeMinor: 0,
        MultiprocessorCount: EmulatorLibrary.DefaultWorkerCount(),
        TotalMemoryBytes: GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        L2CacheBytes: HostLastLevelCacheBytes(),
        ClockRateKHz: 0,
        MemoryClockRateKHz: 0,
        MemoryBusWidthBits: 0,
        MaxSharedMemoryPerBlockOptin: SharedMemoryPerBlockOptin,
        DriverVersion: 0);

    // The host's last-level cache (what a benchmark's flush must evict), from sysfs; 0 if unknown.
    private static long HostLastLevelCacheBytes()
    {
        const string caches = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(caches)) return 0;
        long best = 0;
        int bestLevel = 0;
        foreach (var dir in Directory.EnumerateDirectories(caches, "index*"))
        {
            try
            {
                var level = int.Parse(File.ReadAllText(Path.Combine(dir, "level")).Trim());
                var size = File.ReadAllText(Path.Combine(dir, "size")).Trim();
                long bytes = size.EndsWith('K') ? long.Parse(size[..^1]) * 1024
                           : size.EndsWith('M') ? long.Parse(size[..^1]) * 1024 * 1024
                           : long.Parse(size);
                if (level > bestLevel || (level == bestLevel && bytes > best)) (bestLevel, best) = (level, bytes);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                // an unreadable cache entry: skip it
            }
        }
        return best;
    }
}
