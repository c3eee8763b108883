using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// kernels/gather.cu: the tensor viewed as [OUTER, D, INNER] around the indexed dimension.
// The indices come from the host and are uploaded for each call, through the device's pinned staging
// buffers: queued on the stream like the launch, with no wait for the work before it.
public sealed partial class CudaBackend
{
    private const string GatherModule = "gather";

    public Tensor IndexSelect(Tensor src, int dim, int[] indices)
    {
        Require(src, "IndexSelect source", src.DType);
        var (_, d, inner) = IndexedView.Around(src, ref dim, indices, "IndexSelect");
        var shape = (int[])src.Shape.Clone();
        shape[dim] = indices.Length;
        var dst = Empty(shape, src.DType);
        // A gather moves bits: float32 and int32 share the 4-byte kernel.
        string op = src.DType == DType.UInt8 ? "index_select_u8" : "index_select";
        LaunchIndexed(op, dst, src, indices, d, inner, total: dst.Count, adds: false);
        return dst;
    }

    /// <remarks>The kernels add without atomics, so <paramref name="indices"/> must not repeat (a pruning's kept channels never do); repeats are refused.</remarks>
    public void IndexAdd(Tensor dst, int dim, int[] indices, Tensor src)
    {
        Require(dst, "IndexAdd destination", dst.DType);
        Require(src, "IndexAdd source", dst.DType);
        var (_, d, inner) = IndexedView.Around(dst, ref dim, indices, "IndexAdd");
        var expected = (int[])dst.Shape.Clone();
        expected[dim] = indices.Length;
        Shapes.Require(src, expected, "IndexAdd source");
        var seen = new bool[d];
        foreach (var i in indices)
        {
            if (seen[i]) throw new ArgumentException($"IndexAdd: index {i} appears more than once; the CUDA scatter-add needs unique indices", nameof(indices));
            seen[i] = true;
        }
        string op = dst.DType switch
        {
            DType.Float32 => "index_add",
            DType.Int32 => "index_add_i32",
            _ => "index_add_u8",
        };
        LaunchIndexed(op, dst, src, indices, d, inner, total: src.Count, adds: true);
    }

    // One thread per element of the smaller tensor (total = OUTER·I·INNER); a scatter-add also reads dst.
    private void LaunchIndexed(string op, Tensor dst, Tensor src, int[] indices, int d, int inner, long total, bool adds)
    {
        if (total == 0) return;
        RequireInt32Range(Math.Max(dst.Count, src.Count), $"{op}: {dst.Describe()} or {src.Describe()}");
        int version = VersionOf(op), block = BlockSizeOf(op);
        using var deviceIndices = FromArray(indices, [indices.Length]);
        var a = new KernelArgs();
        a.Add(dst.Ptr); a.Add(src.Ptr); a.Add(deviceIndices.Ptr); a.Add(d); a.Add(indices.Length); a.Add(inner); a.Add((int)total);
        double elementBytes = dst.DType.SizeInBytes();
        Launch(KernelOf(GatherModule, op, version), GridStrideBlocks(total, block), block, 0, ref a,
            flops: adds ? total : 0, bytes: elementBytes * total * (adds ? 3 : 2) + 4.0 * indices.Length);
    }
}
