using System.Runtime.InteropServices;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// Allocation and host <-> device copies. Reads back to the host are the only synchronising calls.
public sealed partial class CudaBackend
{
    public Tensor Empty(int[] shape, DType dtype = DType.Float32)
    {
        long bytes = Shapes.Count(shape) * dtype.SizeInBytes();
        return new Tensor(this, Allocator.Allocate(bytes), (int[])shape.Clone(), dtype);
    }

    public Tensor Zeros(int[] shape, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        long words = (t.Storage.Bytes + 3) / 4;
        if (words > 0) Gpu.Memset32(t.Ptr, 0, words);
        return t;
    }

    public Tensor FromArray(float[] data, int[] shape) => Upload(MemoryMarshal.AsBytes(data.AsSpan()), data.Length, shape, DType.Float32);
    public Tensor FromArray(int[] data, int[] shape) => Upload(MemoryMarshal.AsBytes(data.AsSpan()), data.Length, shape, DType.Int32);
    public Tensor FromArray(byte[] data, int[] shape) => Upload(data, data.Length, shape, DType.UInt8);

    private Tensor Upload(ReadOnlySpan<byte> bytes, long count, int[] shape, DType dtype)
    {
        if (Shapes.Count(shape) != count) throw new ArgumentException($"{count} values do not fill shape {Shapes.Format(shape)}");
        var t = Empty(shape, dtype);
        if (bytes.Length > 0) Gpu.CopyToDevice(t.Ptr, bytes);
        return t;
    }

    public float[] ToFloatArray(Tensor t)
    {
        Require(t, "ToFloatArray");
        var r = new float[t.Count];
        if (r.Length > 0) Gpu.CopyToHost(MemoryMarshal.AsBytes(r.AsSpan()), t.Ptr);
        return r;
    }

    public int[] ToIntArray(Tensor t)
    {
        Require(t, "ToIntArray", DType.Int32);
        var r = new int[t.Count];
        if (r.Length > 0) Gpu.CopyToHost(MemoryMarshal.AsBytes(r.AsSpan()), t.Ptr);
        return r;
    }

    public void Fill(Tensor t, float value)
    {
        Require(t, "Fill");
        if (t.Count > 0) Gpu.Memset32(t.Ptr, BitConverter.SingleToUInt32Bits(value), t.Count);
    }

    public void Copy(Tensor src, Tensor dst)
    {
        Require(src, "Copy source", src.DType);
        Require(dst, "Copy destination", src.DType);
        if (src.Count != dst.Count) throw new ArgumentException($"Copy: {src.Describe()} and {dst.Describe()} differ in size");
        long bytes = src.Count * src.DType.SizeInBytes();
        if (bytes > 0) Gpu.CopyDeviceToDevice(dst.Ptr, src.Ptr, bytes);
    }

    public void Synchronize() => Gpu.Synchronize();
}
