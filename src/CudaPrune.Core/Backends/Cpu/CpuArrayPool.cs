namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Recycles the large arrays of disposed tensors, by exact length: a training step allocates the same
/// shapes every time, so after the first step its outputs and gradients come from here instead of fresh
/// large-object-heap memory (which the GC hands back cold: writing a fresh 8 MB activation costs
/// several times more than the op that fills it). Small arrays are left to the GC, which handles them well.
/// </summary>
/// <remarks>
/// The same contract as device memory: once a tensor is disposed its array belongs to the next tensor
/// of that size, so views must not outlive the tensor they view.
/// </remarks>
internal sealed class CpuArrayPool(long capacityBytes)
{
    /// <summary>Arrays shorter than this (64 KiB of floats) bypass the pool.</summary>
    public const int MinLength = 1 << 14;

    private readonly Dictionary<(Type Element, int Length), Stack<Array>> _free = [];
    private readonly Lock _lock = new();
    private long _pooledBytes;

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
            if (_free.TryGetValue((typeof(T), length), out var stack) && stack.Count > 0)
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
        lock (_lock)
        {
            if (_pooledBytes + bytes > capacityBytes) return; // over capacity: the GC takes it
            var key = (array.GetType().GetElementType()!, array.Length);
            if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new Stack<Array>();
            stack.Push(array);
            _pooledBytes += bytes;
        }
    }

    private static long Bytes(Array array) => (long)array.Length * (array is byte[] ? 1 : 4);
}
