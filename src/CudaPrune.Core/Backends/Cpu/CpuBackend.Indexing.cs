using System.Numerics;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

// Gather/scatter along one dimension, any dtype; one implementation for both modes (block copies).
public sealed partial class CpuBackend
{
    public Tensor IndexSelect(Tensor src, int dim, int[] indices)
    {
        Own(src, "IndexSelect source");
        var (outer, d, inner) = IndexedView.Around(src, ref dim, indices, "IndexSelect");
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
        var (outer, d, inner) = IndexedView.Around(dst, ref dim, indices, "IndexAdd");
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
}
