using System.Collections.Concurrent;
using CudaPrune.Cuda.Compilation;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>A loaded module (CUmodule): one compiled kernels/&lt;name&gt;.cu (or a variant of it), with its kernels looked up once each.</summary>
public sealed unsafe class CudaModule : IDisposable
{
    private readonly CudaDevice _device;
    private readonly ConcurrentDictionary<string, CudaKernel> _kernels = new(StringComparer.Ordinal);
    private nint _handle;

    /// <param name="defines">The defines it was compiled with (a variant), for messages; default none.</param>
    public CudaModule(CudaDevice device, CompiledModule compiled, ModuleDefines? defines = null)
    {
        _device = device;
        Name = compiled.ModuleName;
        Defines = defines ?? ModuleDefines.None;
        var variant = Defines.IsEmpty ? "" : $" with {Defines.Key}";
        byte[] image = compiled.Kind == KernelImageKind.Ptx && (compiled.Image.Length == 0 || compiled.Image[^1] != 0)
            ? [.. compiled.Image, 0] // the driver reads PTX as a NUL-terminated string
            : compiled.Image;
        device.MakeCurrent();
        fixed (byte* p = image)
        {
            var r = cuModuleLoadData(out _handle, p);
            if (r != CuResult.Success)
                throw Error(r, "cuModuleLoadData", $"the driver could not load kernels/{Name}.cu{variant} compiled for {compiled.Arch} ({compiled.Kind}, {image.Length} B)");
        }
    }

    /// <summary>The module name: the kernel file's name without ".cu".</summary>
    public string Name { get; }

    /// <summary>The defines of this variant; <see cref="ModuleDefines.None"/> for the plain module.</summary>
    public ModuleDefines Defines { get; }

    /// <summary>The kernel <paramref name="kernelName"/> (an extern "C" function of this module).</summary>
    public CudaKernel GetKernel(string kernelName) => _kernels.GetOrAdd(kernelName, Lookup);

    private CudaKernel Lookup(string kernelName)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        _device.MakeCurrent();
        var r = cuModuleGetFunction(out nint function, _handle, kernelName);
        if (r != CuResult.Success)
            throw Error(r, "cuModuleGetFunction", $"kernel '{kernelName}' is not in kernels/{Name}.cu{(Defines.IsEmpty ? "" : $" compiled with {Defines.Key}")} (is it declared KERNEL, i.e. extern \"C\" __global__?)");
        return new CudaKernel(_device, Defines.IsEmpty ? Name : $"{Name}[{Defines.Key}]", kernelName, function);
    }

    public void Dispose()
    {
        if (_handle == 0 || !_device.IsOpen) return;
        _device.MakeCurrent();
        Check(cuModuleUnload(_handle));
        _handle = 0;
    }
}
