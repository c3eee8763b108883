using System.Runtime.CompilerServices;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layouts the micro-kernel streams through:
/// Ã panels of MR rows (MR values per k), B̃ panels of NR columns (NR values per k), zero-padded at the edges.
/// </summary>
internal static unsafe class CpuGemmPacking
{
    private const int MR = CpuGemmKernel.MR;

    /// <summary>
    /// Packs op(A)[i0 : i0+mc, k0 : k0+kc] into ⌈mc/MR⌉ panels of MR·kc floats:
    /// dst[(i / MR)·MR·kc + k·MR + i % MR] = op(A)[i0 + i, k0 + k]. A is [M,K] (or [K,M] when transposed), leading dimension lda.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, int lda, int i0, int mc, int k0, int kc, float* dst)
    {
        for (int ip = 0; ip < mc; ip += MR, dst += MR * kc)
        {
            int rows = Math.Min(MR, mc - ip);
            if (transA)
            {
                // op(A)[i, k] = A[k, i]: the MR values of one k are contiguous.
                for (int k = 0; k < kc; k++)
                {
                    float* src = a + (nint)(k0 + k) * lda + i0 + ip;
                    float* d = dst + k * MR;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < MR; r++) d[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < MR; r++)
                {
                    float* d = dst + r;
                    if (r < rows)
                    {
                        float* src = a + (nint)(i0 + ip + r) * lda + k0;
                        for (int k = 0; k < kc; k++) d[k * MR] = src[k];
                    }
                    else
                    {
                        for (int k = 0; k < kc; k++) d[k * MR] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[k0 : k0+kc, j0 : j0+nc] into ⌈nc/nr⌉ panels of nr·kc floats:
    /// dst[(j / nr)·nr·kc + k·nr + j % nr] = op(B)[k0 + k, j0 + j]. B is [K,N] (or [N,K] when transposed), leading dimension ldb.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, int ldb, int k0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jp = 0; jp < nc; jp += nr, dst += (nint)nr * kc)
        {
            int cols = Math.Min(nr, nc - jp);
            if (transB)
            {
                // op(B)[k, j] = B[j, k]: each column is a contiguous row of B.
                for (int t = 0; t < nr; t++)
                {
                    float* d = dst + t;
                    if (t < cols)
                    {
                        float* src = b + (nint)(j0 + jp + t) * ldb + k0;
                        for (int k = 0; k < kc; k++) d[k * nr] = src[k];
                    }
                    else
                    {
                        for (int k = 0; k < kc; k++) d[k * nr] = 0f;
                    }
                }
            }
            else
            {
                for (int k = 0; k < kc; k++)
                {
                    float* src = b + (nint)(k0 + k) * ldb + j0 + jp;
                    CopyPadded(src, dst + k * nr, cols, nr);
                }
            }
        }
    }

    /// <summary>dst[0..count) = src[0..count), dst[count..width) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyPadded(float* src, float* dst, int count, int width)
    {
        new ReadOnlySpan<float>(src, count).CopyTo(new Span<float>(dst, count));
        if (count < width) new Span<float>(dst + count, width - count).Clear();
    }
}
