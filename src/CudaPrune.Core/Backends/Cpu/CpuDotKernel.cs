using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// The A·Bᵀ micro-kernel for operands that are both contiguous along the summed dimension (the convolution
/// weight gradient: dy rows and im2col rows, both along pixels): a 4×3 block of dot products, each
/// accumulated in a vector and reduced at the end. Each step loads 7 vectors for 12 FMAs, and neither
/// operand needs packing.
/// </summary>
internal static unsafe class CpuDotKernel
{
    public const int RowsA = 4;
    public const int RowsB = 3;

    /// <summary>dst[r·ldd + s] += Σ_{t &lt; len} a[r·lda + t] · b[s·ldb + t], for r &lt; rowsA ≤ 4 and s &lt; rowsB ≤ 3.</summary>
    public static void Run(float* a, int lda, int rowsA, float* b, int ldb, int rowsB, int len, float* dst, int ldd)
    {
        switch (rowsA * 4 + rowsB)
        {
            case 4 * 4 + 3: Block<Rows4, Rows3>(a, lda, b, ldb, len, dst, ldd); break;
            case 4 * 4 + 2: Block<Rows4, Rows2>(a, lda, b, ldb, len, dst, ldd); break;
            case 4 * 4 + 1: Block<Rows4, Rows1>(a, lda, b, ldb, len, dst, ldd); break;
            case 3 * 4 + 3: Block<Rows3, Rows3>(a, lda, b, ldb, len, dst, ldd); break;
            case 3 * 4 + 2: Block<Rows3, Rows2>(a, lda, b, ldb, len, dst, ldd); break;
            case 3 * 4 + 1: Block<Rows3, Rows1>(a, lda, b, ldb, len, dst, ldd); break;
            case 2 * 4 + 3: Block<Rows2, Rows3>(a, lda, b, ldb, len, dst, ldd); break;
            case 2 * 4 + 2: Block<Rows2, Rows2>(a, lda, b, ldb, len, dst, ldd); break;
            case 2 * 4 + 1: Block<Rows2, Rows1>(a, lda, b, ldb, len, dst, ldd); break;
            case 1 * 4 + 3: Block<Rows1, Rows3>(a, lda, b, ldb, len, dst, ldd); break;
            case 1 * 4 + 2: Block<Rows1, Rows2>(a, lda, b, ldb, len, dst, ldd); break;
            case 1 * 4 + 1: Block<Rows1, Rows1>(a, lda, b, ldb, len, dst, ldd); break;
            default: throw new ArgumentOutOfRangeException(nameof(rowsA), $"block {rowsA}x{rowsB} exceeds {RowsA}x{RowsB}");
        }
    }

    // cRS = dot product of A row R with B row S; rows past TA/TB are folded away by the JIT.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TA, TB>(float* a, int lda, float* b, int ldb, int len, float* dst, int ldd)
        where TA : struct, IRowCount where TB : struct, IRowCount
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * (nint)lda, a3 = a + 3 * (nint)lda;
        float* b0 = b, b1 = b + ldb, b2 = b + 2 * (nint)ldb;
        int t = 0;
        for (; t <= len - 8; t += 8)
        {
            var vb0 = Vector256.Load(b0 + t);
            var vb1 = TB.Value > 1 ? Vector256.Load(b1 + t) : default;
            var vb2 = TB.Value > 2 ? Vector256.Load(b2 + t) : default;
            var va = Vector256.Load(a0 + t);
            c00 = Vector256.FusedMultiplyAdd(va, vb0, c00);
            if (TB.Value > 1) c01 = Vector256.FusedMultiplyAdd(va, vb1, c01);
            if (TB.Value > 2) c02 = Vector256.FusedMultiplyAdd(va, vb2, c02);
            if (TA.Value > 1)
            {
                va = Vector256.Load(a1 + t);
                c10 = Vector256.FusedMultiplyAdd(va, vb0, c10);
                if (TB.Value > 1) c11 = Vector256.FusedMultiplyAdd(va, vb1, c11);
                if (TB.Value > 2) c12 = Vector256.FusedMultiplyAdd(va, vb2, c12);
            }
            if (TA.Value > 2)
            {
                va = Vector256.Load(a2 + t);
                c20 = Vector256.FusedMultiplyAdd(va, vb0, c20);
                if (TB.Value > 1) c21 = Vector256.FusedMultiplyAdd(va, vb1, c21);
                if (TB.Value > 2) c22 = Vector256.FusedMultiplyAdd(va, vb2, c22);
            }
            if (TA.Value > 3)
            {
                va = Vector256.Load(a3 + t);
                c30 = Vector256.FusedMultiplyAdd(va, vb0, c30);
                if (TB.Value > 1) c31 = Vector256.FusedMultiplyAdd(va, vb1, c31);
                if (TB.Value > 2) c32 = Vector256.FusedMultiplyAdd(va, vb2, c32);
            }
        }
        Finish(a0, b0, t, len, c00, dst);
        if (TB.Value > 1) Finish(a0, b1, t, len, c01, dst + 1);
        if (TB.Value > 2) Finish(a0, b2, t, len, c02, dst + 2);
        if (TA.Value > 1)
        {
            float* d = dst + ldd;
            Finish(a1, b0, t, len, c10, d);
            if (TB.Value > 1) Finish(a1, b1, t, len, c11, d + 1);
            if (TB.Value > 2) Finish(a1, b2, t, len, c12, d + 2);
        }
        if (TA.Value > 2)
        {
            float* d = dst + 2 * (nint)ldd;
            Finish(a2, b0, t, len, c20, d);
            if (TB.Value > 1) Finish(a2, b1, t, len, c21, d + 1);
            if (TB.Value > 2) Finish(a2, b2, t, len, c22, d + 2);
        }
        if (TA.Value > 3)
        {
            float* d = dst + 3 * (nint)ldd;
            Finish(a3, b0, t, len, c30, d);
            if (TB.Value > 1) Finish(a3, b1, t, len, c31, d + 1);
            if (TB.Value > 2) Finish(a3, b2, t, len, c32, d + 2);
        }
    }

    /// <summary>*dst += lanes of acc + the scalar tail a[t..len) · b[t..len).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* a, float* b, int t, int len, Vector256<float> acc, float* dst)
    {
        float sum = Vector256.Sum(acc);
        for (; t < len; t++) sum += a[t] * b[t];
        *dst += sum;
    }
}
