using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CudaPrune.Cuda.Runtime;

/// <summary>
/// Builds the <c>void**</c> argument array of a launch on the stack, so a launch allocates nothing:
/// <code>
/// var a = new KernelArgs();
/// a.Add(outPtr); a.Add(inPtr); a.Add(n);
/// gpu.Launch(kernel, grid, block, 0, a.Pointers, a.Widths);
/// </code>
/// Each argument takes one 8-byte slot (pointers, ints and floats all fit) and records its width in
/// bytes (DevicePtr 8, int/uint 4, long 8, float 4): the launch passes the widths along, so a device
/// that knows the kernel's signature (the emulator) rejects a missing, extra or mistyped argument.
/// </summary>
public unsafe ref struct KernelArgs
{
    public const int MaxArgs = 24;

    [InlineArray(MaxArgs)]
    private struct Slots { private ulong _e; }

    [InlineArray(MaxArgs)]
    private struct PointerSlots { private nint _e; }

    [InlineArray(MaxArgs)]
    private struct WidthSlots { private byte _e; }

    private Slots _values;
    private PointerSlots _pointers;
    private WidthSlots _widths;
    private int _count;

    public readonly int Count => _count;

    public void Add(DevicePtr p) => Set(p.Value, sizeof(ulong));
    public void Add(int v) => Set(unchecked((uint)v), sizeof(int));
    public void Add(uint v) => Set(v, sizeof(uint));
    public void Add(long v) => Set(unchecked((ulong)v), sizeof(long));
    public void Add(float v) => Set(BitConverter.SingleToUInt32Bits(v), sizeof(float));

    private void Set(ulong raw, byte width)
    {
        if (_count == MaxArgs) throw new InvalidOperationException($"a kernel takes at most {MaxArgs} arguments");
        _values[_count] = raw;
        _widths[_count] = width;
        _count++;
    }

    /// <summary>The width in bytes of each argument added so far, in order (valid while this struct is alive).</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> Widths => ((ReadOnlySpan<byte>)_widths)[.._count];

    /// <summary>The argument array; valid while this struct is alive and not moved (it lives on the stack).</summary>
    public void** Pointers
    {
        get
        {
            // Little-endian: a 4-byte argument is the low half of its 8-byte slot.
            fixed (ulong* v = &_values[0])
            fixed (nint* p = &_pointers[0])
            {
                for (int i = 0; i < _count; i++) p[i] = (nint)(v + i);
                return (void**)p;
            }
        }
    }
}
