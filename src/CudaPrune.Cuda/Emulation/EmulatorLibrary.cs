using System.Runtime.InteropServices;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// A loaded emulator library (<see cref="EmulatorBuild.Library"/>): its kernel table and its C entry
/// points, bound once as function pointers so that a launch marshals nothing. A library stays loaded
/// for the life of the process (its worker threads do too), and is loaded once per path.
/// </summary>
internal sealed unsafe class EmulatorLibrary
{
    /// <summary>Worker threads per library; default: one per processor.</summary>
    public const string ThreadsVariable = "CUDAPRUNE_EMU_THREADS";

    private static readonly Dictionary<string, EmulatorLibrary> Loaded = [];

    private readonly delegate* unmanaged<int, uint*, uint*, uint, void**, ulong, int> _launch;
    private readonly delegate* unmanaged<int, uint*, uint*, uint, int> _checkLaunch;
    private readonly delegate* unmanaged<nint> _lastError;

    private EmulatorLibrary(string path)
    {
        Path = path;
        nint handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new EmulatorBuildException($"cannot load the emulator library {path}: {e.Message}");
        }
        nint Export(string name) => NativeLibrary.GetExport(handle, name);

        _launch = (delegate* unmanaged<int, uint*, uint*, uint, void**, ulong, int>)Export("emu_launch");
        _checkLaunch = (delegate* unmanaged<int, uint*, uint*, uint, int>)Export("emu_check_launch");
        _lastError = (delegate* unmanaged<nint>)Export("emu_last_error");
        var init = (delegate* unmanaged<int, int>)Export("emu_init");
        if (init(DefaultWorkerCount()) != 0)
            throw new EmulatorBuildException($"the emulator library {path} failed to start: {LastError}");

        WorkerCount = ((delegate* unmanaged<int>)Export("emu_worker_count"))();
        var count = ((delegate* unmanaged<int>)Export("emu_kernel_count"))();
        var name = (delegate* unmanaged<int, nint>)Export("emu_kernel_name");
        var module = (delegate* unmanaged<int, nint>)Export("emu_kernel_module");
        var argCount = (delegate* unmanaged<int, int>)Export("emu_kernel_arg_count");
        var argSize = (delegate* unmanaged<int, int, int>)Export("emu_kernel_arg_size");
        var argNames = (delegate* unmanaged<int, nint>)Export("emu_kernel_arg_names");
        var maxThreads = (delegate* unmanaged<int, int>)Export("emu_kernel_max_threads");
        var staticShared = (delegate* unmanaged<int, int>)Export("emu_kernel_static_shared");
        var kernels = new List<EmulatedKernelInfo>();
        for (int k = 0; k < count; k++)
        {
            var sizes = Enumerable.Range(0, argCount(k)).Select(i => argSize(k, i)).ToArray();
            var names = Utf8(argNames(k)).Split(',');
            if (names.Length != sizes.Length) names = new string[sizes.Length]; // unnamed: messages give positions only
            kernels.Add(new EmulatedKernelInfo(k, Utf8(name(k)), Utf8(module(k)), sizes, names.Select(n => n ?? "").ToArray(), maxThreads(k), staticShared(k)));
        }
        Kernels = kernels;

        var gpuOnlyCount = ((delegate* unmanaged<int>)Export("emu_gpu_only_count"))();
        var gpuOnlyName = (delegate* unmanaged<int, nint>)Export("emu_gpu_only_name");
        var gpuOnlyModule = (delegate* unmanaged<int, nint>)Export("emu_gpu_only_module");
        var gpuOnlyReason = (delegate* unmanaged<int, nint>)Export("emu_gpu_only_reason");
        GpuOnly = Enumerable.Range(0, gpuOnlyCount)
            .Select(i => new GpuOnlyKernel(Utf8(gpuOnlyName(i)), Utf8(gpuOnlyModule(i)), Utf8(gpuOnlyReason(i)))).ToList();
    }

    public string Path { get; }
    public IReadOnlyList<EmulatedKernelInfo> Kernels { get; }
    public IReadOnlyList<GpuOnlyKernel> GpuOnly { get; }
    public int WorkerCount { get; }

    /// <summary>Why the last failed call on this thread failed.</summary>
    public string LastError => Utf8(_lastError());

    public static EmulatorLibrary Load(string path)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(path, out var library))
            {
                library = new EmulatorLibrary(path);
                Loaded[path] = library;
            }
            return library;
        }
    }

    /// <summary><c>CUDAPRUNE_EMU_THREADS</c>, else the processor count.</summary>
    public static int DefaultWorkerCount() =>
        int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var n) && n > 0 ? n : Environment.ProcessorCount;

    /// <summary>The driver's checks of a launch configuration: null when valid, else why not.</summary>
    public string? CheckLaunch(int kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes)
    {
        uint* g = stackalloc uint[3] { grid.X, grid.Y, grid.Z };
        uint* b = stackalloc uint[3] { block.X, block.Y, block.Z };
        return _checkLaunch(kernel, g, b, checked((uint)dynamicSharedBytes)) == 0 ? null : LastError;
    }

    /// <summary>Runs the kernel to completion. 0: ran; 1: invalid configuration; 2: the kernel failed (see <see cref="LastError"/>).</summary>
    public int Launch(int kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ulong seed)
    {
        uint* g = stackalloc uint[3] { grid.X, grid.Y, grid.Z };
        uint* b = stackalloc uint[3] { block.X, block.Y, block.Z };
        return _launch(kernel, g, b, checked((uint)dynamicSharedBytes), args, seed);
    }

    private static string Utf8(nint p) => Marshal.PtrToStringUTF8(p) ?? "";
}
