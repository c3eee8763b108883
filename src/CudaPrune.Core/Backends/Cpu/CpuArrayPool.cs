namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Recycles the large arrays of disposed tensors, by exact length: a training step allocates the same
/// shapes every time, so after the first step its outputs and gradients come from here instead of fresh
/// large-object-heap memory (which the GC hands back cold: writing a fresh 8 MB activation costs
/// several times more than the op that fills it). Small arrays are left to the GC, which handles them well.
/// </summary>
/// <remarks>
/// The same contract as device memory: once a tensor is disposed its array belongs to the next tensor
/// of that size, so views must not outlive the tensor they view. When the pool is full, the sizes used
/// least recently are evicted first (after pruning, the old model's sizes are never asked for again).
/// </remarks>
internal sealed class CpuArrayPool(long capacityBytes)
{
    /// <summary>Arrays shorter than this (64 KiB of floats) bypass the pool.</summary>
    public const int MinLength = 1 << 14;

    // Evicted or refused arrays become large-object-heap garbage, which the GC collects only in full
    // collections; on a machine with plenty of memory it lets gigabytes of it pile up first. After this much
    // has been dropped, a background full collection is asked for.
    private const long CollectAfterDroppedBytes = 512L << 20;

    private readonly Dictionary<(Type Element, int Length), Stack<Array>> _free = [];
    private readonly Dictionary<(Type Element, int Length), long> _lastUse = [];
    private readonly Lock _lock = new();
    private long _pooledBytes;
    private long _droppedBytes;
    private long _clock;

    /// <summary>Bytes held for reuse now.</summary>
    public long PooledBytes
    {
        get { lock (_lock) return _pooledBytes; }
    }

    /// <summary>An array of exactly <paramref name="length"/> elements, zero-filled when asked, plus what its storage must call on dispose.</summary>
    public (T[] Array, Action<Array>? Release) Rent<T>(int length, bool zeroed) where T : unmanaged
    {
        if (length < MinLength) return (zeroed ? new T[length] : GC.AllocateUninitializedArray<T>(length), null);
        T[]? array = null;
        lock (_lock)
        {
            var key = (typeof(T), length);
            _lastUse[key] = ++_clock;
            if (_free.TryGetValue(key, out var stack) && stack.Count > 0)
            {
                array = (T[])stack.Pop();
                _pooledBytes -= Bytes(array);
            }
        }
        if (array is null) array = GC.AllocateUninitializedArray<T>(length);
        if (zeroed) array.AsSpan().Clear();
        return (array, Return);
    }

    private void Return(Array array)
    {
        long bytes = Bytes(array);
        bool collect = false;
        lock (_lock)
        {
            var key = (array.GetType().GetElementType()!, array.Length);
            _lastUse[key] = ++_clock;
            if (bytes > capacityBytes) Drop(bytes);
            else
            {
                while (_pooledBytes + bytes > capacityBytes) EvictLeastRecentlyUsed(except: key);
                if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new Stack<Array>();
                stack.Push(array);
                _pooledBytes += bytes;
            }
            if (_droppedBytes >= CollectAfterDroppedBytes)
            {
                _droppedBytes = 0;
                collect = true;
            }
        }
        if (collect) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
    }

    private void EvictLeastRecentlyUsed((Type, int) except)
    {
        var victim = _free.Where(kv => kv.Value.Count > 0 && !kv.Key.Equals(except)).MinBy(kv => _lastUse[kv.Key]);
        if (victim.Value is null)
        {
            // Only arrays of the returning size are pooled: drop one of those instead.
            var own = _free[except];
            long ownBytes = Bytes(own.Pop());
            _pooledBytes -= ownBytes;
            Drop(ownBytes);
            return;
        }
        var array = victim.Value.Pop();
        if (victim.Value.Count == 0) _free.Remove(victim.Key);
        long b = Bytes(array);
        _pooledBytes -= b;
        Drop(b);
    }

    private void Drop(long bytes) => _droppedBytes += bytes;

    private static long Bytes(Array array) => (long)array.Length * (array is byte[] ? 1 : 4);
}
