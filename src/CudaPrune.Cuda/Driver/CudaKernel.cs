using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>A kernel of a loaded module (CUfunction). Its launch allocates nothing and never waits.</summary>
public sealed unsafe class CudaKernel
{
    private readonly CudaDevice _device;
    // The dynamic shared memory this kernel has been allowed beyond the default (cuFuncSetAttribute).
    private int _dynamicSharedOptIn;

    internal CudaKernel(CudaDevice device, string moduleName, string name, nint handle)
    {
        _device = device;
        ModuleName = moduleName;
        Name = name;
        Handle = handle;
        DisplayName = $"{moduleName}/{name}";
    }

    public string ModuleName { get; }
    public string Name { get; }

    /// <summary>"module/kernel", as errors and profiles print it.</summary>
    public string DisplayName { get; }

    /// <summary>The CUfunction.</summary>
    public nint Handle { get; }

    /// <summary>
    /// Launches on <paramref name="stream"/>; <paramref name="args"/> points at one pointer per kernel
    /// argument (see <see cref="KernelArgs"/>). Above the default 48 KiB of dynamic shared memory the
    /// kernel is opted in once. A configuration beyond the device's limits throws with the sizes.
    /// </summary>
    public void Launch(CudaStream stream, Dim3 grid, Dim3 block, int dynamicSharedBytes, void** args)
    {
        _device.MakeCurrent();
        _device.Limits.Validate(DisplayName, grid, block, dynamicSharedBytes);
        if (dynamicSharedBytes > _device.Limits.SharedMemoryPerBlock && dynamicSharedBytes > _dynamicSharedOptIn)
        {
            Check(cuFuncSetAttribute(Handle, CuFunctionAttribute.MaxDynamicSharedSizeBytes, dynamicSharedBytes));
            _dynamicSharedOptIn = dynamicSharedBytes;
        }
        var r = cuLaunchKernel(Handle, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z,
            (uint)dynamicSharedBytes, stream.Handle, args, null);
        if (r != CuResult.Success)
            throw Error(r, "cuLaunchKernel", $"launching {DisplayName} with grid {grid}, block {block} and {dynamicSharedBytes} B of dynamic shared memory failed");
    }

    public override string ToString() => DisplayName;
}
