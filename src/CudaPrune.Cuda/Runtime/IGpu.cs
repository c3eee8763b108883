namespace CudaPrune.Cuda.Runtime;

/// <summary>
/// The small surface the CUDA backend talks to: memory, kernels, launches, events and graphs on one
/// stream. Two implementations: the real driver (<c>CudaGpu</c>) and the CPU emulator
/// (<c>EmulatedGpu</c>), so the whole backend runs unchanged in CI without a GPU.
/// </summary>
/// <remarks>
/// Every call is ordered on the device's single stream. Nothing here synchronizes with the host
/// except <see cref="Synchronize"/>, <see cref="CopyToHost"/> and <see cref="ElapsedMilliseconds"/>:
/// an upload (<see cref="CopyToDevice"/>) goes through pinned staging memory and is queued, not waited
/// for — unless so many are in flight that the staging memory is exhausted. <see cref="HostWaits"/>
/// counts every wait, so a test can show a piece of code never waits.
/// </remarks>
public interface IGpu : IDisposable
{
    /// <summary>Device name as the driver reports it ("NVIDIA H100 80GB HBM3"), or "emulated".</summary>
    string Name { get; }

    /// <summary>True for the CPU emulator.</summary>
    bool IsEmulated { get; }

    /// <summary>Static facts about the device (compute capability, SMs, memory, L2, clocks).</summary>
    GpuProperties Properties { get; }

    /// <summary>Allocates <paramref name="bytes"/> of device memory (not zeroed).</summary>
    DevicePtr Allocate(long bytes);

    /// <summary>Frees memory returned by <see cref="Allocate"/>.</summary>
    void Free(DevicePtr ptr);

    /// <summary>
    /// Copies host bytes to the device, ordered on the stream; returns when the host buffer may be reused,
    /// without waiting for the stream (the bytes are staged in pinned memory first).
    /// </summary>
    void CopyToDevice(DevicePtr dst, ReadOnlySpan<byte> src);

    /// <summary>Copies device bytes to the host; waits for all earlier work on the stream.</summary>
    void CopyToHost(Span<byte> dst, DevicePtr src);

    /// <summary>Device-to-device copy, ordered on the stream.</summary>
    void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes);

    /// <summary>Sets <paramref name="count32"/> 32-bit words to <paramref name="value"/> (0f, 1f, ... as raw bits).</summary>
    void Memset32(DevicePtr dst, uint value, long count32);

    /// <summary>
    /// Looks up kernel <paramref name="kernelName"/> (an <c>extern "C"</c> function) defined in
    /// <c>kernels/<paramref name="moduleName"/>.cu</c>, compiling the module on first use.
    /// The returned handle is cached by the caller and reused for every launch.
    /// </summary>
    GpuKernel GetKernel(string moduleName, string kernelName);

    /// <summary>
    /// Looks up kernel <paramref name="kernelName"/> of a <em>variant</em> of <c>kernels/<paramref name="moduleName"/>.cu</c>:
    /// the module compiled with <paramref name="defines"/> as <c>-D NAME=VALUE</c> (a layer's shape and tile, say),
    /// once per distinct set and cached on disk like every kernel. Each variant is its own module, so handles of
    /// different variants never collide; <see cref="ModuleDefines.None"/> gives the plain module, as the
    /// two-argument overload does. A variant costs a compile on first use (NVRTC on the GPU; on the emulator a
    /// library of its own, docs/EMULATOR.md): request a handful per model, then launch them many times.
    /// </summary>
    GpuKernel GetKernel(string moduleName, string kernelName, ModuleDefines defines);

    /// <summary>
    /// Launches a kernel on the stream. <paramref name="args"/> follows cuLaunchKernel's convention:
    /// an array of pointers, each pointing at one argument's value. <paramref name="argWidths"/> gives
    /// each argument's width in bytes (<see cref="KernelArgs.Widths"/>), one per entry of
    /// <paramref name="args"/>: a device that knows the kernel's signature checks count and widths and
    /// throws <see cref="ArgumentException"/> on a mismatch, which a GPU would silently misread.
    /// Allocates nothing; never waits.
    /// </summary>
    unsafe void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args, ReadOnlySpan<byte> argWidths);

    /// <summary>Creates an event that can be recorded on the stream.</summary>
    GpuEvent CreateEvent();

    /// <summary>Records <paramref name="ev"/> on the stream.</summary>
    void Record(GpuEvent ev);

    /// <summary>Milliseconds between two recorded events; waits for <paramref name="end"/>.</summary>
    float ElapsedMilliseconds(GpuEvent start, GpuEvent end);

    /// <summary>Starts capturing every launch and copy on the stream into a graph.</summary>
    void BeginCapture();

    /// <summary>Ends the capture and returns an executable graph.</summary>
    GpuGraph EndCapture();

    /// <summary>Replays a captured graph on the stream.</summary>
    void LaunchGraph(GpuGraph graph);

    /// <summary>Blocks the host until all work on the stream is done; rethrows asynchronous errors.</summary>
    void Synchronize();

    /// <summary>
    /// How many times the host has blocked on the stream so far: every <see cref="Synchronize"/>,
    /// <see cref="CopyToHost"/> and <see cref="ElapsedMilliseconds"/>, and every upload that found the
    /// staging memory exhausted and waited for an earlier upload. An emulated device keeps the same
    /// account, though it runs everything at once: an upload is never a wait there.
    /// </summary>
    long HostWaits { get; }

    /// <summary>Free and total device memory in bytes.</summary>
    (long Free, long Total) MemoryInfo();
}
