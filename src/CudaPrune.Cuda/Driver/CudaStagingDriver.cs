using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary><see cref="IStagingDriver"/> on the CUDA driver: the device's context, its stream.</summary>
internal sealed unsafe class CudaStagingDriver(CudaDevice device, CudaStream stream) : IStagingDriver
{
    // Not write-combined: plain page-locked memory, which the host may also read without a penalty.
    private const uint PinnedFlags = 0;

    public nint AllocatePinned(long bytes)
    {
        device.MakeCurrent();
        var r = cuMemHostAlloc(out void* host, (nuint)bytes, PinnedFlags);
        if (r != CuResult.Success) throw Error(r, "cuMemHostAlloc", $"cannot pin {bytes} B of host memory for an upload's staging buffer");
        return (nint)host;
    }

    public void FreePinned(nint host)
    {
        device.MakeCurrent();
        Check(cuMemFreeHost((void*)host));
    }

    public nint CreateEvent()
    {
        device.MakeCurrent();
        Check(cuEventCreate(out nint ev, (uint)CuEventFlags.DisableTiming));
        return ev;
    }

    public void DestroyEvent(nint ev)
    {
        device.MakeCurrent();
        Check(cuEventDestroy_v2(ev));
    }

    public void CopyToDeviceAsync(DevicePtr dst, nint host, long bytes)
    {
        device.MakeCurrent();
        Check(cuMemcpyHtoDAsync_v2(dst.Value, (void*)host, (nuint)bytes, stream.Handle));
    }

    public void Record(nint ev)
    {
        device.MakeCurrent();
        Check(cuEventRecord(ev, stream.Handle));
    }

    public bool IsComplete(nint ev)
    {
        device.MakeCurrent();
        var r = cuEventQuery(ev);
        if (r == CuResult.Success) return true;
        if (r == CuResult.ErrorNotReady) return false;
        throw Error(r, "cuEventQuery", "an upload's staging buffer could not be checked (the error may come from an earlier kernel, reported here asynchronously)");
    }

    public void Wait(nint ev)
    {
        device.MakeCurrent();
        var r = cuEventSynchronize(ev);
        if (r != CuResult.Success) throw Error(r, "cuEventSynchronize", "waiting for an upload's staging buffer failed (the error may come from an earlier kernel, reported here asynchronously)");
    }
}
