using System.Runtime.InteropServices;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Nn;

/// <summary>Bit-for-bit comparison of large tensors (NUnit's element-wise collection equality is slow on 100k+ elements).</summary>
public static class BitExact
{
    public static bool Same(Tensor a, Tensor b) => Same(a.ToArray(), b.ToArray());

    public static bool Same(float[] a, float[] b) =>
        MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));
}
