namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Fast convolution: per image, im2col then GEMM, images spread over threads, scratch reused per thread.
/// Shapes: x[N,C,H,W], w[OC,C,K,K] = [OC, CKK], y[N,OC,OH,OW] = N × [OC, P]; CKK = C·K·K, P = OH·OW.
/// </summary>
/// <remarks>
/// forward:         y_n[OC,P] = w[OC,CKK] · col_n[CKK,P]  (w packed once into Ã panels; col_n written straight into B̃ panels, a few at a time)
/// backward-data:   stride 1: the forward of dy with the flipped, transposed kernel w'[C, OC·K·K] and padding K-1-pad, accumulated into dx;
///                  other strides: dcol[CKK,P] = wᵀ[CKK,OC] · dy_n[OC,P], then dx_n += col2im(dcol)
/// backward-weight: dw[OC,CKK] += dy_n[OC,P] · col_nᵀ[P,CKK]  (dot-product kernel: both operands are contiguous along P),
///                  small images grouped side by side so the dot products run long; one partial sum per chunk of images,
///                  added in chunk order so results do not depend on timing.
/// </remarks>
internal static unsafe class CpuConvolution
{
    private const int MR = CpuGemmKernel.MR;
    private const int KC = 256;          // depth block of the forward and backward-data GEMMs
    private const int PixelBlock = 512;  // pixels per block in the weight gradient: keeps the column rows in L2
    private const int ColumnBlockFloats = 1 << 16; // im2col panels filled at a time in the forward: 256 KiB, half of L2
    private const long MinFlopsPerThread = 1 << 20;

    public static void Forward(CpuGemmKernel kernel, int threads, float[] x, float[] w, float[]? b, float[] y, Conv2dGeometry g)
    {
        int CKK = g.C * g.K * g.K;
        fixed (float* px = x, pw = w, pb = b, py = y)
        {
            float* wPanels = CpuScratch.Get(ScratchSlot.ConvWeightPanels, (long)CpuSgemm.RoundUp(g.OC, MR) * CKK);
            CpuGemmPacking.PackA(transA: false, pw, CKK, 0, g.OC, 0, CKK, wPanels);
            ForwardPacked(kernel, threads, px, wPanels, pb, py, g, accumulate: false);
        }
    }

    /// <summary>y_n (+)= w · col(x_n) + b for every image, with w already packed into Ã panels (<paramref name="bias"/> may be null).</summary>
    private static void ForwardPacked(CpuGemmKernel kernel, int threads, float* x, float* wPanels, float* bias, float* y,
        Conv2dGeometry g, bool accumulate)
    {
        int OC = g.OC, CKK = g.C * g.K * g.K, P = g.OH * g.OW, nr = kernel.NR;
        long xStride = (long)g.C * g.H * g.W, yStride = (long)OC * P;
        var runs = new CpuIm2Col.Runs(g, nr);
        int panelsPerBlock = Math.Clamp(ColumnBlockFloats / (nr * CKK), 1, runs.Panels);
        nint xs = (nint)x, ys = (nint)y, bs = (nint)bias, ws = (nint)wPanels;
        int t = CpuParallel.ThreadsFor(g.Flops, threads, MinFlopsPerThread);
        CpuParallel.For(t, g.N, (n0, n1) =>
        {
            float* cols = CpuScratch.Get(ScratchSlot.ConvColumns, (long)panelsPerBlock * nr * CKK);
            float* padded = CpuScratch.Get(ScratchSlot.ConvPaddedInput, CpuIm2Col.PaddedSize(g));
            for (int n = n0; n < n1; n++)
            {
                float* yn = (float*)ys + n * yStride;
                if (bs != 0)
                    for (int oc = 0; oc < OC; oc++)
                    {
                        var plane = new Span<float>(yn + (long)oc * P, P);
                        if (accumulate) CpuVector.Shift(plane, ((float*)bs)[oc]);
                        else plane.Fill(((float*)bs)[oc]);
                    }
                float* src = CpuIm2Col.PaddedImage((float*)xs + n * xStride, g, padded);
                for (int panel0 = 0; panel0 < runs.Panels; panel0 += panelsPerBlock)
                {
                    int panel1 = Math.Min(runs.Panels, panel0 + panelsPerBlock);
                    int p0 = panel0 * nr, pixels = Math.Min(P, panel1 * nr) - p0;
                    CpuIm2Col.Im2Col(src, g, runs, panel0, panel1, cols, nr);
                    for (int k0 = 0; k0 < CKK; k0 += KC)
                        CpuSgemm.MacroKernel(kernel, OC, pixels, Math.Min(KC, CKK - k0), (float*)ws + k0 * MR, (long)MR * CKK,
                            cols + (long)k0 * nr, (long)nr * CKK, yn + p0, P, 1f, accumulate: accumulate || bs != 0 || k0 > 0);
                }
            }
        });
    }

    public static void BackwardData(CpuGemmKernel kernel, int threads, float[] dy, float[] w, float[] dx, Conv2dGeometry g)
    {
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            if (g.Stride == 1 && g.Padding <= g.K - 1) BackwardDataAsForward(kernel, threads, pdy, pw, pdx, g);
            else BackwardDataByCol2Im(kernel, threads, pdy, pw, pdx, g);
        }
    }

    /// <summary>
    /// Stride 1: dx[c, ih, iw] = Σ_{oc,kh,kw} dy_padded[oc, ih + kh, iw + kw] · w[oc, c, K-1-kh, K-1-kw], a forward
    /// convolution of dy (OC channels, padding K-1-pad) with w'[C, OC, K, K]; its output is H×W.
    /// </summary>
    private static void BackwardDataAsForward(CpuGemmKernel kernel, int threads, float* dy, float* w, float* dx, Conv2dGeometry g)
    {
        int C = g.C, OC = g.OC, K = g.K, depth = OC * K * K;
        var transposed = new Conv2dGeometry(g.N, OC, g.OH, g.OW, C, K, Stride: 1, Padding: K - 1 - g.Padding);
        float* flipped = CpuScratch.Get(ScratchSlot.ConvFlippedWeights, (long)C * depth);
        for (int oc = 0; oc < OC; oc++)
        for (int c = 0; c < C; c++)
        for (int kh = 0; kh < K; kh++)
        for (int kw = 0; kw < K; kw++)
            flipped[(long)c * depth + (oc * K + kh) * K + kw] = w[((long)(oc * C + c) * K + K - 1 - kh) * K + K - 1 - kw];
        float* wPanels = CpuScratch.Get(ScratchSlot.ConvWeightPanels, (long)CpuSgemm.RoundUp(C, MR) * depth);
        CpuGemmPacking.PackA(transA: false, flipped, depth, 0, C, 0, depth, wPanels);
        ForwardPacked(kernel, threads, dy, wPanels, null, dx, transposed, accumulate: true);
    }

    private static void BackwardDataByCol2Im(CpuGemmKernel kernel, int threads, float* dy, float* w, float* dx, Conv2dGeometry g)
    {
        int OC = g.OC, CKK = g.C * g.K * g.K, P = g.OH * g.OW, nr = kernel.NR;
        int panels = (P + nr - 1) / nr;
        long xStride = (long)g.C * g.H * g.W, yStride = (long)OC * P;
        // Ã = wᵀ [CKK, OC]: panels of MR rows of CKK, depth OC.
        float* wPanels = CpuScratch.Get(ScratchSlot.ConvWeightPanels, (long)CpuSgemm.RoundUp(CKK, MR) * OC);
        CpuGemmPacking.PackA(transA: true, w, CKK, 0, CKK, 0, OC, wPanels);
        nint dys = (nint)dy, dxs = (nint)dx, ws = (nint)wPanels;
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

    public static void BackwardWeight(int threads, float[] dy, float[] x, float[] dw, float[]? db, Conv2dGeometry g)
    {
        int OC = g.OC, CKK = g.C * g.K * g.K, P = g.OH * g.OW;
        long xStride = (long)g.C * g.H * g.W, yStride = (long)OC * P;
        int t = CpuParallel.ThreadsFor(g.Flops, threads, MinFlopsPerThread);
        int chunks = CpuParallel.Chunks(t, g.N);
        // Small images are grouped side by side so each dot product runs over at least a pixel block.
        int group = Math.Clamp(PixelBlock / P, 1, Math.Max(1, g.N / chunks));
        long L = (long)group * P;
        long partSize = (long)OC * CKK + OC; // one chunk's dw, then its db
        var runs = new CpuIm2Col.Runs(g, P);
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
                float* col = CpuScratch.Get(ScratchSlot.ConvColumns, CKK * L);
                float* dyGroup = CpuScratch.Get(ScratchSlot.ConvOutputPanels, OC * L);
                float* padded = CpuScratch.Get(ScratchSlot.ConvPaddedInput, CpuIm2Col.PaddedSize(g));
                for (int n = n0; n < n1; n += group)
                {
                    // col[CKK, images·P] and dy[OC, images·P] for this group, image j at column j·P.
                    int images = Math.Min(group, n1 - n);
                    int len = images * P;
                    float* dyn = (float*)dys + n * yStride;
                    float* a = dyn;
                    long lda = P;
                    if (images > 1)
                    {
                        for (int oc = 0; oc < OC; oc++)
                        for (int j = 0; j < images; j++)
                            new ReadOnlySpan<float>(dyn + j * yStride + (long)oc * P, P).CopyTo(new Span<float>(dyGroup + oc * L + (long)j * P, P));
                        a = dyGroup;
                        lda = L;
                    }
                    for (int j = 0; j < images; j++)
                        CpuIm2Col.Im2Col(CpuIm2Col.PaddedImage((float*)xs + (n + j) * xStride, g, padded), g, runs, 0, 1, col + (long)j * P, L);
                    for (int p0 = 0; p0 < len; p0 += PixelBlock)
                    {
                        int block = Math.Min(PixelBlock, len - p0);
                        for (int jb = 0; jb < CKK; jb += CpuDotKernel.RowsB)
                        for (int i = 0; i < OC; i += CpuDotKernel.RowsA)
                            CpuDotKernel.Run(a + i * lda + p0, (int)lda, Math.Min(CpuDotKernel.RowsA, OC - i),
                                col + jb * L + p0, (int)L, Math.Min(CpuDotKernel.RowsB, CKK - jb), block,
                                dwPart + (long)i * CKK + jb, CKK);
                    }
                    if (withBias)
                        for (int oc = 0; oc < OC; oc++)
                            dbPart[oc] += (float)CpuVector.Total(new ReadOnlySpan<float>(a + oc * lda, len));
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
