namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// The naive CPU reference: one method per backend op, plain loops written like the math, accumulating
/// in double where a sum runs long. Every other implementation (the fast paths, our CUDA kernels) is
/// checked against it. Shape letters: N, C, H, W, OC, K, OH, OW (see <see cref="Conv2dGeometry"/>).
/// </summary>
public static partial class CpuReference
{
    // x[N,C,H,W], w[OC,C,K,K], b[OC] (empty: no bias), y[N,OC,OH,OW]

    /// <summary>y[n,oc,oh,ow] = b[oc] + Σ_{c,kh,kw} x[n, c, oh·S - P + kh, ow·S - P + kw] · w[oc,c,kh,kw] (zero outside the image).</summary>
    public static void Conv2dForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Conv2dGeometry g)
    {
        var (N, C, H, W, OC, K, S, P) = g;
        int OH = g.OH, OW = g.OW;
        for (int n = 0; n < N; n++)
        for (int oc = 0; oc < OC; oc++)
        for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++)
        {
            double sum = b.IsEmpty ? 0 : b[oc];
            for (int c = 0; c < C; c++)
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                int ih = oh * S - P + kh, iw = ow * S - P + kw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                sum += (double)x[((n * C + c) * H + ih) * W + iw] * w[((oc * C + c) * K + kh) * K + kw];
            }
            y[((n * OC + oc) * OH + oh) * OW + ow] = (float)sum;
        }
    }

    /// <summary>dx[n, c, oh·S - P + kh, ow·S - P + kw] += dy[n,oc,oh,ow] · w[oc,c,kh,kw].</summary>
    public static void Conv2dBackwardData(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, Conv2dGeometry g)
    {
        var (N, C, H, W, OC, K, S, P) = g;
        int OH = g.OH, OW = g.OW;
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        for (int ih = 0; ih < H; ih++)
        for (int iw = 0; iw < W; iw++)
        {
            // Gather form: sum every (oc, kh, kw) whose output pixel reads this input pixel.
            double sum = 0;
            for (int oc = 0; oc < OC; oc++)
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                int ohS = ih + P - kh, owS = iw + P - kw; // = oh·S, ow·S
                if (ohS < 0 || owS < 0 || ohS % S != 0 || owS % S != 0) continue;
                int oh = ohS / S, ow = owS / S;
                if (oh >= OH || ow >= OW) continue;
                sum += (double)dy[((n * OC + oc) * OH + oh) * OW + ow] * w[((oc * C + c) * K + kh) * K + kw];
            }
            dx[((n * C + c) * H + ih) * W + iw] += (float)sum;
        }
    }

    /// <summary>dw[oc,c,kh,kw] += Σ_{n,oh,ow} dy[n,oc,oh,ow] · x[n, c, oh·S - P + kh, ow·S - P + kw]; db[oc] += Σ_{n,oh,ow} dy[n,oc,oh,ow] (db empty: skipped).</summary>
    public static void Conv2dBackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, Span<float> db, Conv2dGeometry g)
    {
        var (N, C, H, W, OC, K, S, P) = g;
        int OH = g.OH, OW = g.OW;
        for (int oc = 0; oc < OC; oc++)
        {
            for (int c = 0; c < C; c++)
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                double sum = 0;
                for (int n = 0; n < N; n++)
                for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++)
                {
                    int ih = oh * S - P + kh, iw = ow * S - P + kw;
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                    sum += (double)dy[((n * OC + oc) * OH + oh) * OW + ow] * x[((n * C + c) * H + ih) * W + iw];
                }
                dw[((oc * C + c) * K + kh) * K + kw] += (float)sum;
            }
            if (db.IsEmpty) continue;
            double bias = 0;
            for (int n = 0; n < N; n++)
            for (int p = 0; p < OH * OW; p++)
                bias += dy[(n * OC + oc) * OH * OW + p];
            db[oc] += (float)bias;
        }
    }
}
