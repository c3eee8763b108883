namespace CudaPrune.Cuda.Runtime;

/// <summary>A kernel ready to launch: the CUfunction (or the emulator's kernel index) plus its names.</summary>
public sealed class GpuKernel(string moduleName, string name, nint handle)
{
    public string ModuleName { get; } = moduleName;
    public string Name { get; } = name;
    /// <summary>CUfunction for the driver; kernel index for the emulator.</summary>
    public nint Handle { get; } = handle;
    public override string ToString() => $"{ModuleName}/{Name}";
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
