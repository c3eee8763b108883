namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Fast convolution: per image, im2col then GEMM, images spread over threads, scratch reused per thread.
/// Shapes: x[N,C,H,W], w[OC,C,K,K] = [OC, CKK], y[N,OC,OH,OW] = N × [OC, P]; CKK = C·K·K, P = OH·OW.
/// </summary>
/// <remarks>
/// forward:         y_n[OC,P]   = w[OC,CKK] · col_n[CKK,P]   (w packed once into Ã panels; col_n written straight into B̃ panels)
/// backward-data:   dcol[CKK,P] = wᵀ[CKK,OC] · dy_n[OC,P],   then dx_n += col2im(dcol)
/// backward-weight: dw[OC,CKK] += dy_n[OC,P] · col_nᵀ[P,CKK]  (dot-product kernel: both operands are contiguous along P),
///                  one partial sum per thread, added in thread order so results do not depend on timing.
/// </remarks>
internal static unsafe class CpuConvolution
{
    private const int MR = CpuGemmKernel.MR;
    private const int KC = 256;          // depth block of the forward and backward-data GEMMs
    private const int PixelBlock = 512;  // pixels per block in the weight gradient: keeps the column rows in L2
    private const long MinFlopsPerThread = 1 << 20;

    public static void Forward(CpuGemmKernel kernel, int threads, float[] x, float[] w, float[]? b, float[] y, Conv2dGeometry g)
    {
        int OC = g.OC, CKK = g.C * g.K * g.K, P = g.OH * g.OW, nr = kernel.NR;
        int panels = (P + nr - 1) / nr;
        long xStride = (long)g.C * g.H * g.W, yStride = (long)OC * P;
        fixed (float* px = x, pw = w, pb = b, py = y)
        {
            float* wPanels = CpuScratch.Get(ScratchSlot.ConvWeightPanels, (long)CpuSgemm.RoundUp(OC, MR) * CKK);
            CpuGemmPacking.PackA(transA: false, pw, CKK, 0, OC, 0, CKK, wPanels);
            nint xs = (nint)px, ys = (nint)py, bs = (nint)pb, ws = (nint)wPanels;
            int t = CpuParallel.ThreadsFor(g.Flops, threads, MinFlopsPerThread);
            CpuParallel.For(t, g.N, (n0, n1) =>
            {
                float* cols = CpuScratch.Get(ScratchSlot.ConvColumns, (long)panels * nr * CKK);
                for (int n = n0; n < n1; n++)
                {
                    float* yn = (float*)ys + n * yStride;
                    bool hasBias = bs != 0;
                    if (hasBias)
                        for (int oc = 0; oc < OC; oc++) new Span<float>(yn + (long)oc * P, P).Fill(((float*)bs)[oc]);
                    CpuIm2Col.Im2Col((float*)xs + n * xStride, g, nr, cols);
                    for (int k0 = 0; k0 < CKK; k0 += KC)
                        CpuSgemm.MacroKernel(kernel, OC, P, Math.Min(KC, CKK - k0), (float*)ws + k0 * MR, (long)MR * CKK,
                            cols + (long)k0 * nr, (long)nr * CKK, yn, P, 1f, accumulate: hasBias || k0 > 0);
                }
            });
        }
    }

    public static void BackwardData(CpuGemmKernel kernel, int threads, float[] dy, float[] w, float[] dx, Conv2dGeometry g)
    {
        int OC = g.OC, CKK = g.C * g.K * g.K, P = g.OH * g.OW, nr = kernel.NR;
        int panels = (P + nr - 1) / nr;
        long xStride = (long)g.C * g.H * g.W, yStride = (long)OC * P;
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            // Ã = wᵀ [CKK, OC]: panels of MR rows of CKK, depth OC.
            float* wPanels = CpuScratch.Get(ScratchSlot.ConvWeightPanels, (long)CpuSgemm.RoundUp(CKK, MR) * OC);
            CpuGemmPacking.PackA(transA: true, pw, CKK, 0, CKK, 0, OC, wPanels);
            nint dys = (nint)pdy, dxs = (nint)pdx, ws = (nint)wPanels;
            int t = CpuParallel.ThreadsFor(g.Flops, threads, MinFlopsPerThread);
            CpuParallel.For(t, g.N, (n0, n1) =>
            {
                float* dyPanels = CpuScratch.Get(ScratchSlot.ConvOutputPanels, (long)panels * nr * OC);
                float* dcol = CpuScratch.Get(ScratchSlot.ConvColumns, (long)CKK * P);
                for (int n = n0; n < n1; n++)
                {
                    CpuGemmPacking.PackB(transB: false, (float*)dys + n * yStride, P, 0, OC, 0, P, nr, dyPanels);
                    for (int k0 = 0; k0 < OC; k0 += KC)
                        CpuSgemm.MacroKernel(kernel, CKK, P, Math.Min(KC, OC - k0), (float*)ws + k0 * MR, (long)MR * OC,
                            dyPanels + (long)k0 * nr, (long)nr * OC, dcol, P, 1f, accumulate: k0 > 0);
                    CpuIm2Col.Col2ImAdd(dcol, g, (float*)dxs + n * xStride);
                }
            });
        }
    }

    public static void BackwardWeight(int threads, float[] dy, float[] x, float[] dw, float[]? db, Conv2dGeometry g)
    {
        int OC = g.OC, CKK = g.C * g.K * g.K, P = g.OH * g.OW;
        long xStride = (long)g.C * g.H * g.W, yStride = (long)OC * P;
        int t = CpuParallel.ThreadsFor(g.Flops, threads, MinFlopsPerThread);
        int chunks = CpuParallel.Chunks(t, g.N);
        long partSize = (long)OC * CKK + OC; // one thread's dw, then its db
        fixed (float* pdy = dy, px = x, pdw = dw, pdb = db)
        {
            float* parts = CpuScratch.Get(ScratchSlot.ConvWeightGradient, chunks * partSize);
            new Span<float>(parts, checked((int)(chunks * partSize))).Clear();
            nint dys = (nint)pdy, xs = (nint)px, ps = (nint)parts;
            bool withBias = db is not null;
            CpuParallel.For(t, g.N, (chunk, n0, n1) =>
            {
                float* dwPart = (float*)ps + chunk * partSize;
                float* dbPart = dwPart + (long)OC * CKK;
                float* col = CpuScratch.Get(ScratchSlot.ConvColumns, (long)CKK * P);
                for (int n = n0; n < n1; n++)
                {
                    float* dyn = (float*)dys + n * yStride;
                    CpuIm2Col.Im2Col((float*)xs + n * xStride, g, P, col);
                    for (int p0 = 0; p0 < P; p0 += PixelBlock)
                    {
                        int len = Math.Min(PixelBlock, P - p0);
                        for (int j = 0; j < CKK; j += CpuDotKernel.RowsB)
                        for (int i = 0; i < OC; i += CpuDotKernel.RowsA)
                            CpuDotKernel.Run(dyn + (long)i * P + p0, P, Math.Min(CpuDotKernel.RowsA, OC - i),
                                col + (long)j * P + p0, P, Math.Min(CpuDotKernel.RowsB, CKK - j), len,
                                dwPart + (long)i * CKK + j, CKK);
                    }
                    if (withBias)
                        for (int oc = 0; oc < OC; oc++) dbPart[oc] += (float)CpuVector.Total(new ReadOnlySpan<float>(dyn + (long)oc * P, P));
                }
            });
            var dwSpan = new Span<float>(pdw, dw.Length);
            for (int c = 0; c < chunks; c++)
            {
                float* part = parts + c * partSize;
                CpuVector.Add(dwSpan, new ReadOnlySpan<float>(part, OC * CKK));
                if (withBias) CpuVector.Add(new Span<float>(pdb, OC), new ReadOnlySpan<float>(part + (long)OC * CKK, OC));
            }
        }
    }
}
