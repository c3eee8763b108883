namespace CudaPrune.Cuda.Runtime;

/// <summary>A kernel ready to launch: the CUfunction (or the emulator's kernel number) plus its names.</summary>
public sealed class GpuKernel(string moduleName, string name, nint handle, ModuleDefines? defines = null)
{
    public string ModuleName { get; } = moduleName;
    public string Name { get; } = name;
    /// <summary>CUfunction for the driver; library and kernel number for the emulator.</summary>
    public nint Handle { get; } = handle;
    /// <summary>The defines its module variant was compiled with; <see cref="ModuleDefines.None"/> for the plain module.</summary>
    public ModuleDefines Defines { get; } = defines ?? ModuleDefines.None;
    /// <summary>"conv2d/conv2d_forward_kernel3", or "conv2d[CONV_C=45,CONV_K=3]/conv2d_forward_kernel3" for a variant.</summary>
    public override string ToString() => Defines.IsEmpty ? $"{ModuleName}/{Name}" : $"{ModuleName}[{Defines.Key}]/{Name}";
}

/// <summary>An event on the device's stream (CUevent, or a host timestamp under the emulator).</summary>
public abstract class GpuEvent : IDisposable
{
    public abstract void Dispose();
}

/// <summary>An executable graph captured from the stream.</summary>
public abstract class GpuGraph : IDisposable
{
    public abstract void Dispose();
}
