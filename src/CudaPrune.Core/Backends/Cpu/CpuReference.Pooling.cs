namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    // x[N,C,H,W], y[N,C,OH,OW]; window K×K, stride S, padding P

    /// <summary>
    /// y[n,c,oh,ow] = max over the window; argmax = ih·W + iw of the first maximum, or of the last NaN (PyTorch's
    /// rule <c>val &gt; maxval || isnan(val)</c>: a NaN in the window makes y NaN, and the backward pass routes dy
    /// to that NaN's cell); padding never wins.
    /// </summary>
    public static void MaxPool2dForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, Pool2dGeometry g)
    {
        var (N, C, H, W, K, S, P) = g;
        int OH = g.OH, OW = g.OW;
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++)
        {
            float best = float.NegativeInfinity;
            int bestIndex = -1;
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                int ih = oh * S - P + kh, iw = ow * S - P + kw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                float v = x[((n * C + c) * H + ih) * W + iw];
                if (bestIndex < 0 || v > best || float.IsNaN(v))
                {
                    best = v;
                    bestIndex = ih * W + iw;
                }
            }
            int o = ((n * C + c) * OH + oh) * OW + ow;
            y[o] = best;
            argmax[o] = bestIndex;
        }
    }

    /// <summary>dx[n,c][argmax] += dy[n,c,oh,ow].</summary>
    public static void MaxPool2dBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, Pool2dGeometry g)
    {
        int planes = g.N * g.C, HW = g.H * g.W, OHW = g.OH * g.OW;
        for (int plane = 0; plane < planes; plane++)
        for (int o = 0; o < OHW; o++)
            dx[plane * HW + argmax[plane * OHW + o]] += dy[plane * OHW + o];
    }

    /// <summary>y[n,c,oh,ow] = (1/K²) Σ_window x, padded cells counting as zeros (count_include_pad).</summary>
    public static void AvgPool2dForward(ReadOnlySpan<float> x, Span<float> y, Pool2dGeometry g)
    {
        var (N, C, H, W, K, S, P) = g;
        int OH = g.OH, OW = g.OW;
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++)
        {
            double sum = 0;
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                int ih = oh * S - P + kh, iw = ow * S - P + kw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                sum += x[((n * C + c) * H + ih) * W + iw];
            }
            y[((n * C + c) * OH + oh) * OW + ow] = (float)(sum / (K * K));
        }
    }

    /// <summary>dx[window] += dy / K² for every window a cell belongs to.</summary>
    public static void AvgPool2dBackward(ReadOnlySpan<float> dy, Span<float> dx, Pool2dGeometry g)
    {
        var (N, C, H, W, K, S, P) = g;
        int OH = g.OH, OW = g.OW;
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++)
        {
            float share = dy[((n * C + c) * OH + oh) * OW + ow] / (K * K);
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                int ih = oh * S - P + kh, iw = ow * S - P + kw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                dx[((n * C + c) * H + ih) * W + iw] += share;
            }
        }
    }

    /// <summary>y[n,c] = mean over (h, w) of x[n,c,h,w]; <paramref name="HW"/> = H·W.</summary>
    public static void GlobalAvgPoolForward(ReadOnlySpan<float> x, Span<float> y, int N, int C, int HW)
    {
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        {
            double sum = 0;
            for (int p = 0; p < HW; p++) sum += x[(n * C + c) * HW + p];
            y[n * C + c] = (float)(sum / HW);
        }
    }

    /// <summary>dx[n,c,h,w] += dy[n,c] / (H·W).</summary>
    public static void GlobalAvgPoolBackward(ReadOnlySpan<float> dy, Span<float> dx, int N, int C, int HW)
    {
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        for (int p = 0; p < HW; p++)
            dx[(n * C + c) * HW + p] += dy[n * C + c] / HW;
    }
}
