using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// The backend on host arrays. Two layers: <see cref="CpuReference"/> (naive loops, the yardstick) and
/// fast paths (im2col + packed SIMD SGEMM, vectorised and parallel elementwise, pooling and batch norm),
/// which must agree with the reference; <c>useFastPaths: false</c> runs the reference only.
/// </summary>
public sealed partial class CpuBackend : IBackend
{
    private readonly CpuGemmKernel _kernel;

    // Recycled arrays of disposed tensors; bounded so an idle backend does not hold more than this.
    private readonly CpuArrayPool _pool = new(capacityBytes: 2L << 30);

    /// <param name="useFastPaths">False: every op runs <see cref="CpuReference"/>'s naive loops.</param>
    /// <param name="threads">Threads the fast paths may use; 0 = one per core.</param>
    /// <param name="vectorBits">SGEMM micro-kernel width: 256 or 512; 0 = the widest the CPU accelerates (512 runs, slowly, in software where AVX-512 is missing: tests use that to check it).</param>
    public CpuBackend(bool useFastPaths = true, int threads = 0, int vectorBits = 0)
    {
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be 0 (one per core) or positive");
        UseFastPaths = useFastPaths;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        _kernel = vectorBits switch
        {
            0 => CpuGemmKernel.Best,
            256 => CpuGemmKernel.Vector256Kernel,
            512 => CpuGemmKernel.Vector512Kernel,
            _ => throw new ArgumentOutOfRangeException(nameof(vectorBits), vectorBits, "vectorBits must be 0 (auto), 256 or 512"),
        };
    }

    public string Name => "cpu";
    public DeviceKind Kind => DeviceKind.Cpu;

    /// <summary>False when every op runs the naive reference.</summary>
    public bool UseFastPaths { get; }

    /// <summary>Threads the fast paths use.</summary>
    public int Threads { get; }

    /// <summary>Width of the SGEMM micro-kernel's vectors (256 or 512 bits).</summary>
    public int VectorBits => _kernel.VectorBits;

    public void Synchronize() { }

    public void Dispose() { }

    public override string ToString() =>
        UseFastPaths ? $"cpu ({Threads} threads, {VectorBits}-bit SGEMM)" : "cpu (naive reference)";

    // ---------------------------------------------------------------- memory

    public Tensor Empty(int[] shape, DType dtype = DType.Float32) => Allocate(shape, dtype, zeroed: false);

    public Tensor Zeros(int[] shape, DType dtype = DType.Float32) => Allocate(shape, dtype, zeroed: true);

    public Tensor FromArray(float[] data, int[] shape) => FromHost(data, shape, DType.Float32);
    public Tensor FromArray(int[] data, int[] shape) => FromHost(data, shape, DType.Int32);
    public Tensor FromArray(byte[] data, int[] shape) => FromHost(data, shape, DType.UInt8);

    public float[] ToFloatArray(Tensor t) => Floats(t, "ToFloatArray").ToArray();

    public int[] ToIntArray(Tensor t) => Ints(t, "ToIntArray").ToArray();

    public void Fill(Tensor t, float value) => Floats(t, "Fill").Fill(value);

    public void Copy(Tensor src, Tensor dst)
    {
        Own(src, "Copy source");
        Own(dst, "Copy destination");
        if (src.DType != dst.DType || src.Count != dst.Count)
            throw new ArgumentException($"Copy: source {src.Describe()} and destination {dst.Describe()} must have the same dtype and element count");
        switch (src.DType)
        {
            case DType.Float32: src.Span<float>().CopyTo(dst.Span<float>()); break;
            case DType.Int32: src.Span<int>().CopyTo(dst.Span<int>()); break;
            default: src.Span<byte>().CopyTo(dst.Span<byte>()); break;
        }
    }

    private Tensor Allocate(int[] shape, DType dtype, bool zeroed)
    {
        int count = ElementCount(shape);
        var (data, release) = dtype switch
        {
            DType.Float32 => Rent<float>(count, zeroed),
            DType.Int32 => Rent<int>(count, zeroed),
            DType.UInt8 => Rent<byte>(count, zeroed),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
        };
        return new Tensor(this, new CpuStorage(data, release), (int[])shape.Clone(), dtype);
    }

    private (Array, Action<Array>?) Rent<T>(int count, bool zeroed) where T : unmanaged => _pool.Rent<T>(count, zeroed);

    private Tensor FromHost<T>(T[] data, int[] shape, DType dtype) where T : unmanaged
    {
        int count = ElementCount(shape);
        if (data.Length != count)
            throw new ArgumentException($"FromArray: shape {Shapes.Format(shape)} holds {count} elements but the array has {data.Length}");
        var (copy, release) = _pool.Rent<T>(count, zeroed: false);
        data.CopyTo(copy, 0);
        return new Tensor(this, new CpuStorage(copy, release), (int[])shape.Clone(), dtype);
    }

    private static int ElementCount(int[] shape)
    {
        long count = Shapes.Count(shape);
        if (count > Array.MaxLength) throw new ArgumentException($"shape {Shapes.Format(shape)} holds {count} elements, more than a host array can");
        return (int)count;
    }
}
