namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// im2col and col2im for one image: the columns matrix col[CKK, P] (CKK = C·K·K rows k = (c·K + kh)·K + kw,
/// P = OH·OW pixels p = oh·OW + ow) holding col[k, p] = x[c, oh·S - pad + kh, ow·S - pad + kw] (zero outside the image).
/// </summary>
/// <remarks>
/// The columns can be written straight into the micro-kernel's packed B̃ layout: panels of nr pixels,
/// dst[(p / nr)·CKK·nr + k·nr + p % nr], so the forward GEMM needs no separate packing pass; nr = P gives
/// the plain row-major matrix. With stride 1 each output row is a shifted copy of an input row.
/// </remarks>
internal static unsafe class CpuIm2Col
{
    /// <summary>x[C,H,W] → columns in panels of <paramref name="nr"/> pixels (lanes past P zeroed).</summary>
    public static void Im2Col(float* x, Conv2dGeometry g, int nr, float* dst)
    {
        int C = g.C, H = g.H, W = g.W, K = g.K, S = g.Stride, pad = g.Padding, OH = g.OH, OW = g.OW;
        int P = OH * OW, CKK = C * K * K;
        long panelStride = (long)CKK * nr;
        for (int c = 0; c < C; c++)
        for (int kh = 0; kh < K; kh++)
        for (int kw = 0; kw < K; kw++)
        {
            int k = (c * K + kh) * K + kw;
            float* plane = x + (nint)c * H * W;
            int p = 0;
            for (int oh = 0; oh < OH; oh++)
            {
                int ih = oh * S - pad + kh;
                float* row = plane + (nint)ih * W;
                for (int ow = 0; ow < OW;)
                {
                    // The run of this output row that falls in one panel.
                    int lane = p % nr;
                    int run = Math.Min(nr - lane, OW - ow);
                    float* d = dst + p / nr * panelStride + (nint)k * nr + lane;
                    if (ih < 0 || ih >= H) new Span<float>(d, run).Clear();
                    else if (S == 1) CopyShifted(row, W, ow - pad + kw, run, d);
                    else
                        for (int t = 0; t < run; t++)
                        {
                            int iw = (ow + t) * S - pad + kw;
                            d[t] = iw >= 0 && iw < W ? row[iw] : 0f;
                        }
                    ow += run;
                    p += run;
                }
            }
        }
        int tail = P % nr;
        if (tail != 0)
        {
            float* last = dst + P / nr * panelStride;
            for (int k = 0; k < CKK; k++) new Span<float>(last + (nint)k * nr + tail, nr - tail).Clear();
        }
    }

    /// <summary>dx[C,H,W] += col2im(col), col plain row-major [CKK, P]: every column entry added back to the input pixel it was read from.</summary>
    public static void Col2ImAdd(float* col, Conv2dGeometry g, float* dx)
    {
        int C = g.C, H = g.H, W = g.W, K = g.K, S = g.Stride, pad = g.Padding, OH = g.OH, OW = g.OW;
        int P = OH * OW;
        for (int c = 0; c < C; c++)
        for (int kh = 0; kh < K; kh++)
        for (int kw = 0; kw < K; kw++)
        {
            float* src = col + (nint)((c * K + kh) * K + kw) * P;
            float* plane = dx + (nint)c * H * W;
            // Output columns whose input column iw = ow·S - pad + kw is inside the image.
            int owBegin = Math.Max(0, CeilDiv(pad - kw, S));
            int owEnd = Math.Min(OW, CeilDiv(W + pad - kw, S));
            if (owBegin >= owEnd) continue;
            for (int oh = 0; oh < OH; oh++)
            {
                int ih = oh * S - pad + kh;
                if (ih < 0 || ih >= H) continue;
                float* row = plane + (nint)ih * W;
                float* s = src + (nint)oh * OW;
                if (S == 1)
                {
                    int iw0 = owBegin - pad + kw;
                    CpuVector.Add(new Span<float>(row + iw0, owEnd - owBegin), new ReadOnlySpan<float>(s + owBegin, owEnd - owBegin));
                }
                else
                {
                    for (int ow = owBegin; ow < owEnd; ow++) row[ow * S - pad + kw] += s[ow];
                }
            }
        }
    }

    /// <summary>d[t] = row[iw0 + t] for t &lt; run, zero where iw0 + t falls outside [0, W).</summary>
    private static void CopyShifted(float* row, int W, int iw0, int run, float* d)
    {
        int begin = Math.Clamp(-iw0, 0, run);
        int end = Math.Clamp(W - iw0, begin, run);
        if (begin > 0) new Span<float>(d, begin).Clear();
        new ReadOnlySpan<float>(row + iw0 + begin, end - begin).CopyTo(new Span<float>(d + begin, end - begin));
        if (end < run) new Span<float>(d + end, run - end).Clear();
    }

    /// <summary>⌈a / b⌉ for b &gt; 0 and any sign of a.</summary>
    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
