using System.Runtime.InteropServices;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

/// <summary>
/// A fake device behind a <see cref="StagingPool"/>: copies and event records wait in a stream queue until
/// the test lets the "device" run them (<see cref="RunAll"/>) or the pool waits for an event, so a copy
/// reads its staging buffer as late as a GPU would. Device memory is host memory; freeing a buffer a
/// queued copy still reads fails.
/// </summary>
internal sealed unsafe class FakeStagingDriver : IStagingDriver, IDisposable
{
    private readonly Queue<(DevicePtr Dst, nint Host, long Bytes, nint Event)> _stream = new(); // Event != 0: a record
    private readonly HashSet<nint> _pinned = [];
    private readonly Dictionary<nint, bool> _events = []; // event -> complete
    private nint _nextEvent = 1;

    public int Allocations { get; private set; }
    public int Queries { get; private set; }
    public int Waits { get; private set; }
    public int LivePinned => _pinned.Count;
    public int LiveEvents => _events.Count;
    public int Queued => _stream.Count;

    public nint AllocatePinned(long bytes)
    {
        Allocations++;
        var host = (nint)NativeMemory.Alloc((nuint)bytes);
        _pinned.Add(host);
        return host;
    }

    public void FreePinned(nint host)
    {
        if (_stream.Any(op => op.Event == 0 && op.Host == host)) throw new InvalidOperationException("a staging buffer was freed while a queued copy still reads it");
        if (!_pinned.Remove(host)) throw new InvalidOperationException("not pinned memory of this driver");
        NativeMemory.Free((void*)host);
    }

    public nint CreateEvent()
    {
        var ev = _nextEvent++;
        _events[ev] = true; // never recorded: complete, as cuEventQuery says
        return ev;
    }

    public void DestroyEvent(nint ev)
    {
        if (!_events.Remove(ev)) throw new InvalidOperationException("not an event of this driver");
    }

    public void CopyToDeviceAsync(DevicePtr dst, nint host, long bytes)
    {
        if (!_pinned.Contains(host)) throw new InvalidOperationException("an upload from memory that is not pinned");
        _stream.Enqueue((dst, host, bytes, 0));
    }

    public void Record(nint ev)
    {
        _events[ev] = false;
        _stream.Enqueue((DevicePtr.Null, 0, 0, ev));
    }

    public bool IsComplete(nint ev)
    {
        Queries++;
        return _events[ev];
    }

    public void Wait(nint ev)
    {
        Waits++;
        while (!_events[ev]) RunOne();
    }

    /// <summary>The device runs everything queued.</summary>
    public void RunAll()
    {
        while (_stream.Count > 0) RunOne();
    }

    public void Dispose()
    {
        foreach (var host in _pinned) NativeMemory.Free((void*)host);
        _pinned.Clear();
    }

    private void RunOne()
    {
        var op = _stream.Dequeue();
        if (op.Event != 0) _events[op.Event] = true;
        else Buffer.MemoryCopy((void*)op.Host, (void*)op.Dst.Value, op.Bytes, op.Bytes);
    }
}
