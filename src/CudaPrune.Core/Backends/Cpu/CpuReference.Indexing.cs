using System.Numerics;

namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    // src viewed as [OUTER, D, INNER] around the indexed dimension; dst as [OUTER, indices.Length, INNER]

    /// <summary>dst[o, i, r] = src[o, indices[i], r].</summary>
    public static void IndexSelect<T>(ReadOnlySpan<T> src, Span<T> dst, int OUTER, int D, int INNER, ReadOnlySpan<int> indices)
    {
        int I = indices.Length;
        for (int o = 0; o < OUTER; o++)
        for (int i = 0; i < I; i++)
            src.Slice((o * D + indices[i]) * INNER, INNER).CopyTo(dst.Slice((o * I + i) * INNER, INNER));
    }

    /// <summary>dst[o, indices[i], r] += src[o, i, r] (repeated indices accumulate).</summary>
    public static void IndexAdd<T>(Span<T> dst, ReadOnlySpan<T> src, int OUTER, int D, int INNER, ReadOnlySpan<int> indices)
        where T : INumberBase<T>
    {
        int I = indices.Length;
        for (int o = 0; o < OUTER; o++)
        for (int i = 0; i < I; i++)
        for (int r = 0; r < INNER; r++)
            dst[(o * D + indices[i]) * INNER + r] += src[(o * I + i) * INNER + r];
    }
}
