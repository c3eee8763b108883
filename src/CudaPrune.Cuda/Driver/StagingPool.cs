using System.Numerics;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Driver;

/// <summary>
/// Pinned host buffers that uploads pass through, so an upload returns as soon as its bytes are in one,
/// without waiting for the stream: <see cref="IGpu.CopyToDevice"/>'s "returns when the host buffer may be
/// reused" holds, and the copy itself runs later, in stream order.
/// </summary>
/// <remarks>
/// Each buffer owns an event, recorded after the copy out of it; the buffer is reused only once that event
/// has completed. On one stream the events complete in the order they were recorded, so the buffers in
/// flight form a queue and each upload queries only its head (cuEventQuery, never a wait). A buffer is
/// sized to the next power of two of its chunk (at least <see cref="MinBufferBytes"/>); the pool grows up to
/// <see cref="CapacityBytes"/> of pinned memory, dropping idle buffers too small to serve. Only when every
/// byte is in flight does an upload wait, for the oldest buffer: that is counted in <see cref="HostWaits"/>.
/// An upload larger than a quarter of the capacity goes in chunks, one buffer each. Thread-safe.
/// </remarks>
internal sealed class StagingPool : IDisposable
{
    /// <summary>256 MiB: sixteen queued steps of a 256-image float batch (3 MiB each) fit many times over.</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    /// <summary>The smallest buffer: labels and index lists share no buffer, but do not pin a page each.</summary>
    public const long MinBufferBytes = 64L << 10;

    private sealed record Buffer(nint Host, long Bytes, nint Done);

    private readonly IStagingDriver _driver;
    private readonly Lock _gate = new();
    private readonly List<Buffer> _idle = [];
    private readonly Queue<Buffer> _inFlight = new(); // in record order: each completes no earlier than the one before
    private long _pinnedBytes;
    private long _hostWaits;
    private bool _disposed;

    public StagingPool(IStagingDriver driver, long capacityBytes = DefaultCapacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 4 * MinBufferBytes);
        _driver = driver;
        CapacityBytes = capacityBytes;
        ChunkBytes = (long)BitOperations.RoundUpToPowerOf2((ulong)capacityBytes / 4 + 1) / 2; // the largest power of two <= capacity / 4
    }

    /// <summary>The most pinned memory the pool holds.</summary>
    public long CapacityBytes { get; }

    /// <summary>The largest piece one buffer carries; larger uploads go in pieces of this size.</summary>
    public long ChunkBytes { get; }

    /// <summary>Pinned memory held now.</summary>
    public long PinnedBytes { get { lock (_gate) return _pinnedBytes; } }

    /// <summary>Buffers held now, idle or in flight.</summary>
    public int BufferCount { get { lock (_gate) return _idle.Count + _inFlight.Count; } }

    /// <summary>How many times an upload found every byte in flight and waited for the oldest buffer.</summary>
    public long HostWaits => Interlocked.Read(ref _hostWaits);

    /// <summary>Copies <paramref name="src"/> into staging buffers and queues their copies to <paramref name="dst"/>; returns without waiting unless the pool is exhausted.</summary>
    public unsafe void Upload(DevicePtr dst, ReadOnlySpan<byte> src)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (long offset = 0; offset < src.Length; offset += ChunkBytes)
            {
                int bytes = (int)Math.Min(ChunkBytes, src.Length - offset);
                var buffer = Acquire(bytes);
                src.Slice((int)offset, bytes).CopyTo(new Span<byte>((void*)buffer.Host, bytes));
                try
                {
                    _driver.CopyToDeviceAsync(dst.Offset(offset), buffer.Host, bytes);
                    _driver.Record(buffer.Done);
                }
                catch
                {
                    _idle.Add(buffer); // nothing was queued from it, or the context is lost: either way not in flight
                    throw;
                }
                _inFlight.Enqueue(buffer);
            }
        }
    }

    /// <summary>Frees every buffer and event. The caller first waits for the stream: a copy still in flight would read freed memory.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var buffer in _idle.Concat(_inFlight)) Release(buffer);
            _idle.Clear();
            _inFlight.Clear();
        }
    }

    // An idle buffer of at least `bytes`, the smallest that fits; else a new one, if the capacity allows;
    // else the oldest in-flight buffer, waited for.
    private Buffer Acquire(int bytes)
    {
        Retire();
        long size = Math.Min(ChunkBytes, Math.Max(MinBufferBytes, (long)BitOperations.RoundUpToPowerOf2((ulong)bytes)));
        while (true)
        {
            Buffer? best = null;
            foreach (var b in _idle)
                if (b.Bytes >= bytes && (best is null || b.Bytes < best.Bytes)) best = b;
            if (best is not null)
            {
                _idle.Remove(best);
                return best;
            }
            // Idle buffers are all too small: drop them (smallest first) to make room for one that fits.
            _idle.Sort((a, b) => a.Bytes.CompareTo(b.Bytes));
            while (_pinnedBytes + size > CapacityBytes && _idle.Count > 0)
            {
                Release(_idle[0]);
                _idle.RemoveAt(0);
            }
            if (_pinnedBytes + size <= CapacityBytes) return Allocate(size);
            // Every byte is in flight: the host waits for the oldest copy, as a synchronous upload would have.
            var oldest = _inFlight.Dequeue();
            Interlocked.Increment(ref _hostWaits);
            try
            {
                _driver.Wait(oldest.Done);
            }
            finally
            {
                _idle.Add(oldest);
            }
        }
    }

    // Moves the buffers whose copies are done back to idle, querying in record order.
    private void Retire()
    {
        while (_inFlight.Count > 0 && _driver.IsComplete(_inFlight.Peek().Done)) _idle.Add(_inFlight.Dequeue());
    }

    private Buffer Allocate(long size)
    {
        nint host = _driver.AllocatePinned(size);
        nint done;
        try
        {
            done = _driver.CreateEvent();
        }
        catch
        {
            _driver.FreePinned(host);
            throw;
        }
        _pinnedBytes += size;
        return new Buffer(host, size, done);
    }

    private void Release(Buffer buffer)
    {
        _pinnedBytes -= buffer.Bytes;
        _driver.DestroyEvent(buffer.Done);
        _driver.FreePinned(buffer.Host);
    }
}
