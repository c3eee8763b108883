using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// What the op families share: picking a kernel version and block size, sizing grids, checking arguments.
public sealed partial class CudaBackend
{
    // Resident threads per SM on sm_80 and sm_90: a grid-stride kernel needs no more blocks than fill the device once.
    private const int ResidentThreadsPerMultiprocessor = 2048;

    private const int DefaultBlockSize = 256;

    /// <summary>The kernel version <see cref="Versions"/> selects for <paramref name="op"/>, else its family's default (<see cref="KernelFamilies"/>); throws for a version the family lacks.</summary>
    internal int VersionOf(string op)
    {
        var family = KernelFamilies.Of(op);
        return family.Require(Versions.Get(op, family.DefaultVersion));
    }

    /// <summary>Threads per block for <paramref name="op"/>: the <see cref="Versions"/> override, else 256.</summary>
    internal int BlockSizeOf(string op) => Versions.BlockSize(op, DefaultBlockSize);

    /// <summary>kernels/<paramref name="module"/>.cu's <c><paramref name="op"/>_kernel<paramref name="version"/></c>.</summary>
    internal GpuKernel KernelOf(string module, string op, int version) => Kernel(module, $"{op}_kernel{version}");

    /// <summary>Blocks for a grid-stride kernel over <paramref name="work"/> items: enough for one item per thread, at most one full wave of resident blocks.</summary>
    internal int GridStrideBlocks(long work, int block) => Math.Min(Dim3.CeilDiv(work, block), FullWaveBlocks(block));

    /// <summary>Blocks that fill the device once with <paramref name="block"/> threads each.</summary>
    internal int FullWaveBlocks(int block) => Math.Max(1, Gpu.Properties.MultiprocessorCount * Math.Max(1, ResidentThreadsPerMultiprocessor / block));

    internal void RequireShape(Tensor t, ReadOnlySpan<int> shape, string what, DType dtype = DType.Float32)
    {
        Require(t, what, dtype);
        Shapes.Require(t, shape, what);
    }

    internal static void RequireRank(Tensor t, int rank, string what)
    {
        if (t.Rank != rank) throw new ArgumentException($"{what}: expected a rank-{rank} tensor, got {t.Describe()}");
    }

    internal static void RequireCount(Tensor t, long count, string what)
    {
        if (t.Count != count) throw new ArgumentException($"{what}: expected {count} elements, got {t.Describe()} with {t.Count}");
    }

    /// <summary>Throws unless <paramref name="count"/> values index with 32-bit ints, as the kernels that split flat indices into coordinates do.</summary>
    internal static int RequireInt32Range(long count, string what) =>
        count <= int.MaxValue ? (int)count : throw new ArgumentException($"{what}: {count} values is more than the kernels index with 32-bit ints ({int.MaxValue})");
}
