using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>A CUDA event (CUevent) with timing enabled.</summary>
public sealed class CudaEvent : GpuEvent
{
    private readonly CudaDevice _device;

    public CudaEvent(CudaDevice device)
    {
        _device = device;
        device.MakeCurrent();
        Check(cuEventCreate(out nint handle, 0));
        Handle = handle;
    }

    /// <summary>The CUevent.</summary>
    public nint Handle { get; private set; }

    /// <summary>Records the event on <paramref name="stream"/>.</summary>
    public void Record(CudaStream stream)
    {
        _device.MakeCurrent();
        Check(cuEventRecord(Handle, stream.Handle));
    }

    /// <summary>Whether the work before the event's last record is done (true for an event never recorded); never waits.</summary>
    public bool IsComplete
    {
        get
        {
            _device.MakeCurrent();
            var r = cuEventQuery(Handle);
            if (r == CuResult.ErrorNotReady) return false;
            Check(r, "cuEventQuery");
            return true;
        }
    }

    /// <summary>Milliseconds from <paramref name="start"/> to <paramref name="end"/>; waits for <paramref name="end"/>.</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        end._device.MakeCurrent();
        Check(cuEventSynchronize(end.Handle));
        Check(cuEventElapsedTime(out float ms, start.Handle, end.Handle));
        return ms;
    }

    public override void Dispose()
    {
        if (Handle == 0 || !_device.IsOpen) return;
        _device.MakeCurrent();
        Check(cuEventDestroy_v2(Handle));
        Handle = 0;
    }
}
