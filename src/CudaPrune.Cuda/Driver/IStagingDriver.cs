using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Driver;

/// <summary>
/// The driver calls a <see cref="StagingPool"/> makes, on one device and stream: pinned host memory, an
/// asynchronous host-to-device copy, and an event per buffer. <see cref="CudaStagingDriver"/> makes them
/// on the driver; tests put a fake device behind them.
/// </summary>
internal interface IStagingDriver
{
    /// <summary>Page-locked host memory of <paramref name="bytes"/> (cuMemHostAlloc).</summary>
    nint AllocatePinned(long bytes);

    /// <summary>Frees memory from <see cref="AllocatePinned"/> (cuMemFreeHost).</summary>
    void FreePinned(nint host);

    /// <summary>An event without timing, recorded after each copy out of its buffer.</summary>
    nint CreateEvent();

    void DestroyEvent(nint ev);

    /// <summary>Queues a copy of <paramref name="bytes"/> from pinned <paramref name="host"/> to <paramref name="dst"/> on the stream; returns at once.</summary>
    void CopyToDeviceAsync(DevicePtr dst, nint host, long bytes);

    /// <summary>Records <paramref name="ev"/> on the stream, after everything queued so far.</summary>
    void Record(nint ev);

    /// <summary>Whether the work before <paramref name="ev"/>'s last record is done; never waits (cuEventQuery).</summary>
    bool IsComplete(nint ev);

    /// <summary>Blocks the host until <paramref name="ev"/> has completed (cuEventSynchronize).</summary>
    void Wait(nint ev);
}
