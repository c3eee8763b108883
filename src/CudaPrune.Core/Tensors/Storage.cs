using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Tensors;

/// <summary>The memory behind a tensor: a host array (<see cref="CpuStorage"/>) or device memory (<see cref="DeviceStorage"/>).</summary>
public abstract class Storage : IDisposable
{
    /// <summary>Size in bytes.</summary>
    public abstract long Bytes { get; }

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Gives the memory back (to the allocator, for device memory).</summary>
    protected abstract void Release();
}

/// <summary>Host memory: a float[], int[] or byte[] owned by the tensor.</summary>
/// <param name="data">The array.</param>
/// <param name="release">Called with the array when the storage is disposed (a backend's array pool takes it back); null leaves it to the GC.</param>
public sealed class CpuStorage(Array data, Action<Array>? release = null) : Storage
{
    /// <summary>The array: float[] for Float32, int[] for Int32, byte[] for UInt8.</summary>
    public Array Data { get; } = data;

    public override long Bytes => Data switch
    {
        float[] f => f.LongLength * 4,
        int[] i => i.LongLength * 4,
        byte[] b => b.LongLength,
        _ => throw new InvalidOperationException($"unsupported array type {Data.GetType()}"),
    };

    protected override void Release() => release?.Invoke(Data);
}

/// <summary>Device memory from a backend's allocator; disposing returns it to that allocator.</summary>
public sealed class DeviceStorage(DevicePtr ptr, long bytes, Action<DeviceStorage> release) : Storage
{
    public DevicePtr Ptr { get; } = ptr;
    public override long Bytes { get; } = bytes;

    protected override void Release() => release(this);
}
