using System.Runtime.CompilerServices;
namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Blocked, packed, parallel SGEMM (the BLIS loop nest): C = alpha · op(A) · op(B) + beta · C, row-major.
/// </summary>
/// <remarks>
/// Loops, outermost first: NC columns of B (an L3-sized block), KC depth (packed B block; one B̃ panel,
/// KC·NR floats = 16 KiB, sits in L1), MC rows of A (packed Ã block, MC·KC floats = 144 KiB, in L2),
/// then NR-column and MR-row panels around the micro-kernel. Threads take contiguous slabs of rows
/// (or of columns, when C is wide) at a time and run the whole nest on it with their own packing buffers.
/// </remarks>
internal static unsafe class CpuSgemm
{
    private const int MC = 144; // multiple of MR
    private const int KC = 256;
    private const int NC = 4096; // multiple of both NR
    private const long MinFlopsPerThread = 1 << 20;

    public static void Gemm(CpuGemmKernel kernel, int threads, bool transA, bool transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (beta != 1f && (beta != 0f || k == 0 || alpha == 0f))
        {
            ScaleC(m, n, beta, c, ldc);
            beta = 1f;
        }
        if (k == 0 || alpha == 0f) return;
        bool overwrite = beta == 0f; // the first depth block stores instead of accumulating: C's old contents are ignored

        int t = CpuParallel.ThreadsFor(2L * m * n * k, threads, MinFlopsPerThread);
        if (m >= n)
            CpuParallel.ForAligned(t, m, CpuGemmKernel.MR, (i0, i1) =>
                Serial(kernel, transA, transB, i0, i1 - i0, 0, n, k, alpha, a, lda, b, ldb, overwrite, c, ldc));
        else
            CpuParallel.ForAligned(t, n, kernel.NR, (j0, j1) =>
                Serial(kernel, transA, transB, 0, m, j0, j1 - j0, k, alpha, a, lda, b, ldb, overwrite, c, ldc));
    }

    /// <summary>The loop nest over C[i0 : i0+mm, j0 : j0+nn] on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Serial(CpuGemmKernel kernel, bool transA, bool transB, int i0, int mm, int j0, int nn, int k,
        float alpha, float* a, int lda, float* b, int ldb, bool overwrite, float* c, int ldc)
    {
        int nr = kernel.NR;
        int ncMax = Math.Min(NC, RoundUp(nn, nr));
        float* packA = CpuScratch.Get(ScratchSlot.GemmPackA, (long)RoundUp(Math.Min(MC, mm), CpuGemmKernel.MR) * Math.Min(KC, k));
        float* packB = CpuScratch.Get(ScratchSlot.GemmPackB, (long)ncMax * Math.Min(KC, k));
        for (int jc = 0; jc < nn; jc += NC)
        {
            int nc = Math.Min(NC, nn - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                CpuGemmPacking.PackB(transB, b, ldb, pc, kc, j0 + jc, nc, nr, packB);
                for (int ic = 0; ic < mm; ic += MC)
                {
                    int mc = Math.Min(MC, mm - ic);
                    CpuGemmPacking.PackA(transA, a, lda, i0 + ic, mc, pc, kc, packA);
                    MacroKernel(kernel, mc, nc, kc, packA, CpuGemmKernel.MR * kc, packB, (long)nr * kc,
                        c + (nint)(i0 + ic) * ldc + j0 + jc, ldc, alpha, accumulate: !(overwrite && pc == 0));
                }
            }
        }
    }

    /// <summary>
    /// C[mc, nc] (+)= alpha · Ã · B̃ over kc steps, from packed panels (Ã panels <paramref name="aPanelStride"/>
    /// floats apart, B̃ panels <paramref name="bPanelStride"/> apart). Column panels outside, so one B̃ panel
    /// stays in L1 while every Ã panel passes over it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MacroKernel(CpuGemmKernel kernel, int mc, int nc, int kc, float* packA, long aPanelStride,
        float* packB, long bPanelStride, float* c, int ldc, float alpha, bool accumulate)
    {
        int nr = kernel.NR;
        for (int jr = 0, jp = 0; jr < nc; jr += nr, jp++)
        {
            int cols = Math.Min(nr, nc - jr);
            float* bPanel = packB + jp * bPanelStride;
            for (int ir = 0, ip = 0; ir < mc; ir += CpuGemmKernel.MR, ip++)
            {
                int rows = Math.Min(CpuGemmKernel.MR, mc - ir);
                kernel.Run(kc, packA + ip * aPanelStride, bPanel, c + (nint)ir * ldc + jr, ldc, rows, cols, alpha, accumulate);
            }
        }
    }

    /// <summary>C *= beta; beta = 0 clears C (its old contents, NaN included, are ignored, as in BLAS).</summary>
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f) row.Clear();
            else CpuVector.Scale(row, beta);
        }
    }

    public static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
