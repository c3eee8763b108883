using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// A caching device allocator: freed blocks go to a free list of their size class and are handed out
/// again, so a training step that allocates the same sizes every time never calls cuMemAlloc after the
/// first step. Safe without events because the backend uses one stream: work that still reads a freed
/// block is queued before any work that reuses it.
/// </summary>
public sealed class CachingAllocator : IDisposable
{
    private const long SmallLimit = 1L << 20;   // up to 1 MiB: power-of-two classes from 512 B
    private const long LargeGranule = 2L << 20; // above: multiples of 2 MiB

    private readonly IGpu _gpu;
    private readonly Dictionary<long, Stack<DevicePtr>> _free = [];
    private readonly object _lock = new();
    private BlockHold? _hold;

    public CachingAllocator(IGpu gpu) => _gpu = gpu;

    /// <summary>Bytes handed out and not yet returned (by size class).</summary>
    public long CurrentBytes { get; private set; }

    /// <summary>The most <see cref="CurrentBytes"/> has ever been (since the last <see cref="ResetPeak"/>).</summary>
    public long PeakBytes { get; private set; }

    /// <summary>Bytes obtained from the device: in use plus cached.</summary>
    public long ReservedBytes { get; private set; }

    /// <summary>How many times the device allocator was called.</summary>
    public long DeviceAllocations { get; private set; }

    public void ResetPeak() { lock (_lock) PeakBytes = CurrentBytes; }

    /// <summary>The size class a request of <paramref name="bytes"/> is served from.</summary>
    public static long SizeClass(long bytes)
    {
        if (bytes <= 0) return 512;
        if (bytes <= SmallLimit) return Math.Max(512, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes));
        return (bytes + LargeGranule - 1) / LargeGranule * LargeGranule;
    }

    /// <summary>A device block of at least <paramref name="bytes"/>, returned to the cache when the storage is disposed.</summary>
    public DeviceStorage Allocate(long bytes)
    {
        long size = SizeClass(bytes);
        DevicePtr ptr;
        lock (_lock)
        {
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0) ptr = stack.Pop();
            else ptr = AllocateFromDevice(size);
            CurrentBytes += size;
            PeakBytes = Math.Max(PeakBytes, CurrentBytes);
        }
        return new DeviceStorage(ptr, bytes, s => Return(s.Ptr, size));
    }

    private DevicePtr AllocateFromDevice(long size)
    {
        try
        {
            var p = _gpu.Allocate(size);
            DeviceAllocations++;
            ReservedBytes += size;
            return p;
        }
        catch (Exception) when (CachedBytes > 0)
        {
            // Out of memory with blocks sitting in the cache: give them back and try once more.
            ReleaseCached();
            var p = _gpu.Allocate(size);
            DeviceAllocations++;
            ReservedBytes += size;
            return p;
        }
    }

    private void Return(DevicePtr ptr, long size)
    {
        lock (_lock)
        {
            if (_hold is { } hold)
            {
                hold.Park(ptr, size); // still in use (by a captured graph): counted in CurrentBytes
                return;
            }
            if (!_free.TryGetValue(size, out var stack)) _free[size] = stack = new Stack<DevicePtr>();
            stack.Push(ptr);
            CurrentBytes -= size;
        }
    }

    /// <summary>
    /// Parks every block returned from now on instead of caching it for reuse, until
    /// <see cref="BlockHold.StopCollecting"/>; the parked blocks go back to the cache when the hold is disposed.
    /// A captured CUDA graph replays into the activations its forward pass freed while it was captured:
    /// those blocks must not be handed out again while the graph lives.
    /// </summary>
    public BlockHold Hold()
    {
        lock (_lock)
        {
            if (_hold is not null) throw new InvalidOperationException("a block hold is already collecting: stop it before starting another");
            return _hold = new BlockHold(this);
        }
    }

    /// <summary>Blocks parked by <see cref="Hold"/>; disposing it returns them to the cache.</summary>
    public sealed class BlockHold : IDisposable
    {
        private readonly CachingAllocator _owner;
        private readonly List<(DevicePtr Ptr, long Size)> _parked = [];

        internal BlockHold(CachingAllocator owner) => _owner = owner;

        /// <summary>Bytes parked so far.</summary>
        public long ParkedBytes { get; private set; }

        internal void Park(DevicePtr ptr, long size)
        {
            _parked.Add((ptr, size));
            ParkedBytes += size;
        }

        /// <summary>Blocks returned from now on are cached as usual; those parked so far stay parked.</summary>
        public void StopCollecting()
        {
            lock (_owner._lock)
                if (ReferenceEquals(_owner._hold, this)) _owner._hold = null;
        }

        /// <summary>Returns the parked blocks to the cache (the caller guarantees no queued work still uses them).</summary>
        public void Dispose()
        {
            StopCollecting();
            foreach (var (ptr, size) in _parked) _owner.Return(ptr, size);
            _parked.Clear();
            ParkedBytes = 0;
        }
    }

    /// <summary>Bytes held in the free lists.</summary>
    public long CachedBytes
    {
        get { lock (_lock) return ReservedBytes - CurrentBytes; }
    }

    /// <summary>Frees every cached block back to the device (blocks in use are untouched).</summary>
    public void ReleaseCached()
    {
        lock (_lock)
        {
            _gpu.Synchronize(); // nothing queued may still use a block we free
            foreach (var (size, stack) in _free)
                while (stack.Count > 0)
                {
                    _gpu.Free(stack.Pop());
                    ReservedBytes -= size;
                }
        }
    }

    public void Dispose() => ReleaseCached();
}
