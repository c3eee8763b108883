using System.Numerics;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

// Gather/scatter along one dimension, any dtype; one implementation for both modes (block copies).
public sealed partial class CpuBackend
{
    public Tensor IndexSelect(Tensor src, int dim, int[] indices)
    {
        Own(src, "IndexSelect source");
        var (outer, d, inner) = IndexedView(src, ref dim, indices, "IndexSelect");
        var shape = (int[])src.Shape.Clone();
        shape[dim] = indices.Length;
        var dst = Empty(shape, src.DType);
        using var _ = Observe("index_select", 0, 2.0 * dst.Count * dst.DType.SizeInBytes());
        switch (src.DType)
        {
            case DType.Float32: CpuReference.IndexSelect<float>(src.Span<float>(), dst.Span<float>(), outer, d, inner, indices); break;
            case DType.Int32: CpuReference.IndexSelect<int>(src.Span<int>(), dst.Span<int>(), outer, d, inner, indices); break;
            default: CpuReference.IndexSelect<byte>(src.Span<byte>(), dst.Span<byte>(), outer, d, inner, indices); break;
        }
        return dst;
    }

    public void IndexAdd(Tensor dst, int dim, int[] indices, Tensor src)
    {
        Own(dst, "IndexAdd destination");
        Own(src, "IndexAdd source");
        var (outer, d, inner) = IndexedView(dst, ref dim, indices, "IndexAdd");
        var expected = (int[])dst.Shape.Clone();
        expected[dim] = indices.Length;
        Shapes.Require(src, expected, "IndexAdd source");
        if (src.DType != dst.DType) throw new ArgumentException($"IndexAdd: source {src.Describe()} and destination {dst.Describe()} have different dtypes");
        using var _ = Observe("index_add", src.Count, 3.0 * src.Count * src.DType.SizeInBytes());
        switch (dst.DType)
        {
            case DType.Float32: Add<float>(); break;
            case DType.Int32: Add<int>(); break;
            default: Add<byte>(); break;
        }

        void Add<T>() where T : unmanaged, INumberBase<T> =>
            CpuReference.IndexAdd<T>(dst.Span<T>(), src.Span<T>(), outer, d, inner, indices);
    }

    /// <summary>Validates dim (negative counts from the end) and the indices; returns the [OUTER, D, INNER] view around dim.</summary>
    private static (int Outer, int D, int Inner) IndexedView(Tensor t, ref int dim, int[] indices, string op)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (dim < -t.Rank || dim >= t.Rank) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{op}: dim must be in [{-t.Rank}, {t.Rank}) for {t.Describe()}");
        if (dim < 0) dim += t.Rank;
        int d = t.Shape[dim];
        foreach (var i in indices)
            if ((uint)i >= (uint)d) throw new ArgumentException($"{op}: index {i} is outside [0, {d}) of dimension {dim} of {t.Describe()}");
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= t.Shape[i];
        for (int i = dim + 1; i < t.Rank; i++) inner *= t.Shape[i];
        return (outer, d, inner);
    }
}
