using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Checks of kernels/gather.cu: IndexSelect and IndexAdd along each kind of dimension, for every dtype.</summary>
/// <remarks>
/// Tolerances: a gather copies bits and a scatter-add with unique indices adds one value to each
/// destination element exactly as the reference does, so every output must be exact.
/// </remarks>
public sealed class GatherChecks : IKernelCheckSource
{
    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        // (shape, dim, kept): a conv weight [OC,C,K,K] compacted along its output (0) and input (1) channels,
        // a batch of activations along its channels, and the last dimension (inner = 1).
        (int[] Shape, int Dim, int Kept)[] cases = quick
            ? [([5, 7, 3, 3], 1, 4), ([6, 5, 3, 3], 0, 3), ([2, 3, 5], -1, 2)]
            : [([512, 512, 3, 3], 1, 256), ([512, 256, 3, 3], 0, 300), ([128, 64, 32, 32], 1, 40)];
        int[] blocks = quick ? [64, 256] : [128, 256];
        foreach (var (shape, dim, kept) in cases)
        foreach (var dtype in new[] { DType.Float32, DType.Int32, DType.UInt8 })
        {
            string text = $"{Shapes.Format(shape)} dim={dim} keep={kept} {dtype}";
            string select = dtype == DType.UInt8 ? "index_select_u8" : "index_select";
            string add = dtype switch { DType.Float32 => "index_add", DType.Int32 => "index_add_i32", _ => "index_add_u8" };
            foreach (var block in blocks)
                yield return ReferenceCheck.Create(select, 1, block, text, 0, 0, be => Select(be, shape, dim, kept, dtype));
            foreach (var block in blocks)
                yield return ReferenceCheck.Create(add, 1, block, text, 0, 0, be => Add(be, shape, dim, kept, dtype));
        }
    }

    private static CheckOutput[] Select(IBackend be, int[] shape, int dim, int kept, DType dtype)
    {
        var src = Upload(be, shape, dtype, 71);
        var indices = CheckData.DistinctIndices(kept, shape[dim < 0 ? dim + shape.Length : dim], 72);
        return [CheckOutput.Read("dst", be.IndexSelect(src, dim, indices), exact: true)];
    }

    private static CheckOutput[] Add(IBackend be, int[] shape, int dim, int kept, DType dtype)
    {
        int d = dim < 0 ? dim + shape.Length : dim;
        var small = (int[])shape.Clone();
        small[d] = kept;
        var dst = Upload(be, shape, dtype, 73); // non-zero: the kernel must accumulate
        be.IndexAdd(dst, dim, CheckData.DistinctIndices(kept, shape[d], 74), Upload(be, small, dtype, 75));
        return [CheckOutput.Read("dst", dst, exact: true)];
    }

    private static Tensor Upload(IBackend be, int[] shape, DType dtype, int seed)
    {
        long count = Shapes.Count(shape);
        return dtype switch
        {
            DType.Float32 => be.FromArray(CheckData.Uniform(count, seed), shape),
            DType.Int32 => be.FromArray(CheckData.Integers(count, seed, 1 << 20), shape), // sums stay exact as floats
            _ => be.FromArray(CheckData.Bytes(count, seed), shape),
        };
    }
}
