using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>
/// A CUDA stream (CUstream). Created blocking (not CU_STREAM_NON_BLOCKING) on purpose: synchronous
/// host copies run on the legacy default stream, which then orders them after earlier work here.
/// </summary>
public sealed class CudaStream : IDisposable
{
    private readonly CudaDevice _device;

    public CudaStream(CudaDevice device)
    {
        _device = device;
        device.MakeCurrent();
        Check(cuStreamCreate(out nint handle, 0));
        Handle = handle;
    }

    /// <summary>The CUstream.</summary>
    public nint Handle { get; private set; }

    /// <summary>Blocks until all work on the stream is done; rethrows asynchronous errors.</summary>
    public void Synchronize()
    {
        _device.MakeCurrent();
        Check(cuStreamSynchronize(Handle));
    }

    public void Dispose()
    {
        if (Handle == 0 || !_device.IsOpen) return;
        _device.MakeCurrent();
        Check(cuStreamDestroy_v2(Handle));
        Handle = 0;
    }
}
