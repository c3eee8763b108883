using System.Runtime.InteropServices;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// The emulated device's memory: aligned host blocks whose addresses are the <see cref="DevicePtr"/>s.
/// New blocks are filled with 0xFF bytes (NaN as floats, -1 as ints), since device memory is not zeroed
/// either: a kernel that reads what nobody wrote gives NaN instead of a lucky 0. Every host-side copy
/// and memset is checked against the live blocks, which the driver does only loosely.
/// </summary>
internal sealed unsafe class EmulatedMemory : IDisposable
{
    private const int Alignment = 256; // cuMemAlloc's alignment
    private readonly SortedList<ulong, long> _blocks = []; // start -> bytes
    private long _allocated;

    public long AllocatedBytes
    {
        get { lock (_blocks) return _allocated; }
    }

    public DevicePtr Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var p = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), Alignment);
        NativeMemory.Fill(p, (nuint)bytes, 0xFF);
        lock (_blocks)
        {
            _blocks.Add((ulong)p, bytes);
            _allocated += bytes;
        }
        return new DevicePtr((ulong)p);
    }

    public void Free(DevicePtr ptr)
    {
        lock (_blocks)
        {
            if (!_blocks.Remove(ptr.Value, out var bytes))
                throw new ArgumentException($"Free({ptr}): not the start of a live allocation of this emulated device (freed twice, or never allocated?)", nameof(ptr));
            _allocated -= bytes;
        }
        NativeMemory.AlignedFree((void*)ptr.Value);
    }

    /// <summary>The host address of [ptr, ptr + bytes), which must lie inside one live allocation.</summary>
    public byte* Check(DevicePtr ptr, long bytes, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_blocks)
        {
            var starts = _blocks.Keys;
            int lo = 0, hi = starts.Count - 1, found = -1;
            while (lo <= hi) // the last block starting at or below ptr
            {
                int mid = (lo + hi) / 2;
                if (starts[mid] <= ptr.Value) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            if (found < 0 || ptr.Value + (ulong)bytes > starts[found] + (ulong)_blocks.Values[found])
            {
                var where = found < 0
                    ? "below every allocation"
                    : $"the allocation at {new DevicePtr(starts[found])} has {_blocks.Values[found]} bytes";
                throw new ArgumentOutOfRangeException(what, $"{what}: {bytes} bytes at {ptr} are not inside one live allocation ({where})");
            }
        }
        return (byte*)ptr.Value;
    }

    public void Dispose()
    {
        lock (_blocks)
        {
            foreach (var start in _blocks.Keys) NativeMemory.AlignedFree((void*)start);
            _blocks.Clear();
            _allocated = 0;
        }
    }
}
