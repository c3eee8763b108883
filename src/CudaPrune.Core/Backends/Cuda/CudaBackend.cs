using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// The backend of our CUDA kernels, on a real GPU (<c>CudaGpu</c>) or on the emulator (<c>EmulatedGpu</c>):
/// one stream, a caching allocator, and no host synchronisation except where a value is read back.
/// The ops are spread over partial files by family (CudaBackend.Conv.cs, ...), each beside its kernel file.
/// </summary>
public sealed partial class CudaBackend : IBackend
{
    private readonly Dictionary<(string Module, string Kernel), GpuKernel> _kernels = [];
    private readonly Dictionary<(string Module, string Kernel, string Defines), GpuKernel> _variantKernels = [];
    private readonly bool _ownsGpu;

    /// <param name="gpu">The device; disposed with the backend when <paramref name="ownsGpu"/> is true.</param>
    /// <param name="ownsGpu">Whether disposing the backend disposes the device.</param>
    public CudaBackend(IGpu gpu, bool ownsGpu = true)
    {
        Gpu = gpu;
        _ownsGpu = ownsGpu;
        Allocator = new CachingAllocator(gpu);
    }

    public IGpu Gpu { get; }

    public CachingAllocator Allocator { get; }

    public string Name => Gpu.IsEmulated ? "emulated" : $"cuda:0 ({Gpu.Name})";

    public DeviceKind Kind => Gpu.IsEmulated ? DeviceKind.Emulated : DeviceKind.Cuda;

    /// <summary>Which version (and block size) of each op's kernel runs; defaults are each family's best.</summary>
    public KernelVersions Versions { get; } = new();

    /// <summary>When set, every launch is reported (for per-kernel profiling).</summary>
    public IOpObserver? Observer { get; set; }

    /// <summary>The kernel <paramref name="kernelName"/> of kernels/<paramref name="moduleName"/>.cu, compiled and looked up once.</summary>
    public GpuKernel Kernel(string moduleName, string kernelName)
    {
        if (!_kernels.TryGetValue((moduleName, kernelName), out var k))
            _kernels[(moduleName, kernelName)] = k = Gpu.GetKernel(moduleName, kernelName);
        return k;
    }

    /// <summary>The kernel <paramref name="kernelName"/> of kernels/<paramref name="moduleName"/>.cu compiled with <paramref name="defines"/>, compiled and looked up once.</summary>
    public GpuKernel Kernel(string moduleName, string kernelName, ModuleDefines defines)
    {
        if (defines.IsEmpty) return Kernel(moduleName, kernelName);
        if (!_variantKernels.TryGetValue((moduleName, kernelName, defines.Key), out var k))
            _variantKernels[(moduleName, kernelName, defines.Key)] = k = Gpu.GetKernel(moduleName, kernelName, defines);
        return k;
    }

    /// <summary>Queues one kernel launch, reporting it to <see cref="Observer"/> with its useful FLOPs and minimal bytes.</summary>
    internal unsafe void Launch(GpuKernel kernel, Dim3 grid, Dim3 block, int sharedBytes, ref KernelArgs args, double flops = 0, double bytes = 0)
    {
        if (grid.Total == 0) return; // an empty tensor: nothing to do
        var observer = Observer;
        observer?.Begin(new OpInfo(kernel.Name, flops, bytes, grid, block, sharedBytes));
        Gpu.Launch(kernel, grid, block, sharedBytes, args.Pointers, args.Widths);
        observer?.End();
    }

    /// <summary>Throws unless <paramref name="t"/> lives on this backend and has dtype <paramref name="dtype"/>.</summary>
    internal void Require(Tensor t, string what, DType dtype = DType.Float32)
    {
        if (!ReferenceEquals(t.Backend, this)) throw new ArgumentException($"{what}: {t.Describe()} is on {t.Backend.Name}, not on {Name}");
        if (t.DType != dtype) throw new ArgumentException($"{what}: {t.Describe()} must be {dtype}");
        if (t.IsDisposed) throw new ObjectDisposedException(t.Describe());
    }

    public void Dispose()
    {
        Allocator.Dispose();
        if (_ownsGpu) Gpu.Dispose();
    }
}
