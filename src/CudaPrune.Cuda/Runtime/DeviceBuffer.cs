using System.Runtime.InteropServices;

namespace CudaPrune.Cuda.Runtime;

/// <summary>
/// Device memory owned by one object: allocated on an <see cref="IGpu"/>, freed by <see cref="Dispose"/>.
/// The GC cannot see device memory, so a buffer that is never disposed is reported as a leak by its
/// finalizer (to stderr and <see cref="LeakCount"/>); the finalizer never frees, since the GPU's
/// context belongs to other threads.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private static long s_leakCount;
    private readonly IGpu _gpu;
    private readonly string _gpuName; // read now: the finalizer must not call into another object
    private DevicePtr _ptr;

    public DeviceBuffer(IGpu gpu, long bytes)
    {
        _gpu = gpu;
        _gpuName = gpu.Name;
        Bytes = bytes;
        _ptr = gpu.Allocate(bytes);
    }

    /// <summary>A buffer holding a copy of <paramref name="data"/>.</summary>
    public static DeviceBuffer FromHost<T>(IGpu gpu, ReadOnlySpan<T> data) where T : unmanaged
    {
        var buffer = new DeviceBuffer(gpu, (long)data.Length * Marshal.SizeOf<T>());
        buffer.CopyFrom(data);
        return buffer;
    }

    /// <summary>How many buffers were finalized without being disposed, in this process.</summary>
    public static long LeakCount => Interlocked.Read(ref s_leakCount);

    public long Bytes { get; }

    /// <summary>The device address; throws once disposed.</summary>
    public DevicePtr Ptr
    {
        get
        {
            ObjectDisposedException.ThrowIf(_ptr.IsNull && Bytes > 0, this);
            return _ptr;
        }
    }

    /// <summary>Copies <paramref name="src"/> into the buffer, which must be exactly its size.</summary>
    public void CopyFrom<T>(ReadOnlySpan<T> src) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(src);
        CheckSize(bytes.Length, nameof(src));
        _gpu.CopyToDevice(Ptr, bytes);
    }

    /// <summary>Copies the buffer into <paramref name="dst"/>, which must be exactly its size.</summary>
    public void CopyTo<T>(Span<T> dst) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(dst);
        CheckSize(bytes.Length, nameof(dst));
        _gpu.CopyToHost(bytes, Ptr);
    }

    /// <summary>The buffer's contents as an array of <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (Bytes % size != 0) throw new InvalidOperationException($"a buffer of {Bytes} B does not hold whole {typeof(T).Name}s of {size} B");
        var result = new T[Bytes / size];
        CopyTo<T>(result);
        return result;
    }

    public void Dispose()
    {
        if (_ptr.IsNull) return;
        _gpu.Free(_ptr);
        _ptr = DevicePtr.Null;
        GC.SuppressFinalize(this);
    }

    ~DeviceBuffer()
    {
        if (_ptr.IsNull) return;
        Interlocked.Increment(ref s_leakCount);
        Console.Error.WriteLine($"cudaprune: leak: a DeviceBuffer of {Bytes} B at {_ptr} on {_gpuName} was never disposed");
    }

    private void CheckSize(int hostBytes, string paramName)
    {
        if (hostBytes != Bytes)
            throw new ArgumentException($"the host span holds {hostBytes} B but the device buffer holds {Bytes} B", paramName);
    }
}
