using System.Runtime.CompilerServices;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>The scratch buffers a thread keeps between calls: one per purpose, so buffers in use at the same time never alias.</summary>
internal enum ScratchSlot
{
    GemmPackA,
    GemmPackB,
    ConvWeightPanels,
    ConvFlippedWeights,
    ConvPaddedInput,
    ConvColumns,
    ConvOutputPanels,
    ConvWeightGradient,
    ConvBiasGradient,
}

/// <summary>
/// Per-thread, grow-only, 64-byte-aligned float buffers on the pinned object heap, so the fast paths
/// allocate no large scratch per call (a training step reuses what the previous one grew).
/// </summary>
internal sealed unsafe class CpuScratch
{
    private const int AlignFloats = 16; // 64 bytes: one cache line, one Vector512

    [ThreadStatic] private static CpuScratch? _current;

    private readonly float[]?[] _arrays = new float[Enum.GetValues<ScratchSlot>().Length][];

    /// <summary>A buffer of at least <paramref name="count"/> floats, valid until this thread asks for the same slot again. Contents are undefined.</summary>
    public static float* Get(ScratchSlot slot, long count) => (_current ??= new CpuScratch()).GetBuffer(slot, count);

    private float* GetBuffer(ScratchSlot slot, long count)
    {
        ref var array = ref _arrays[(int)slot];
        if (array is null || array.LongLength < count + AlignFloats)
        {
            // Pinned: the address stays valid without `fixed`, and alignment is computed once.
            array = GC.AllocateUninitializedArray<float>(checked((int)(count + AlignFloats)), pinned: true);
        }
        var p = (nint)Unsafe.AsPointer(ref array[0]);
        return (float*)((p + AlignFloats * 4 - 1) & ~(nint)(AlignFloats * 4 - 1));
    }
}
