using System.Runtime.CompilerServices;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>Pooling fast paths: parallel over (n, c) planes, windows clipped to the image once per output pixel.</summary>
internal static class CpuPooling
{
    private static void ForPlanes(int threads, int planes, long workPerPlane, Action<int, int> body) =>
        CpuParallel.For(CpuParallel.ThreadsFor(planes * workPerPlane, threads, 1 << 15), planes, body);

    private static long WindowWork(Pool2dGeometry g) => (long)g.OH * g.OW * g.K * g.K;

    public static void MaxPool2dForward(int threads, float[] x, float[] y, int[] argmax, Pool2dGeometry g) =>
        ForPlanes(threads, g.N * g.C, WindowWork(g), (p0, p1) => MaxPool2dForward(x, y, argmax, g, p0, p1));

    public static void MaxPool2dBackward(int threads, float[] dy, int[] argmax, float[] dx, Pool2dGeometry g) =>
        ForPlanes(threads, g.N * g.C, g.OH * g.OW, (p0, p1) => MaxPool2dBackward(dy, argmax, dx, g, p0, p1));

    public static void AvgPool2dForward(int threads, float[] x, float[] y, Pool2dGeometry g) =>
        ForPlanes(threads, g.N * g.C, WindowWork(g), (p0, p1) => AvgPool2dForward(x, y, g, p0, p1));

    public static void AvgPool2dBackward(int threads, float[] dy, float[] dx, Pool2dGeometry g) =>
        ForPlanes(threads, g.N * g.C, WindowWork(g), (p0, p1) => AvgPool2dBackward(dy, dx, g, p0, p1));

    public static void GlobalAvgPoolForward(int threads, float[] x, float[] y, int planes, int HW) =>
        ForPlanes(threads, planes, HW, (p0, p1) =>
        {
            for (int plane = p0; plane < p1; plane++) y[plane] = (float)(CpuVector.Total(x.AsSpan(plane * HW, HW)) / HW);
        });

    public static void GlobalAvgPoolBackward(int threads, float[] dy, float[] dx, int planes, int HW) =>
        ForPlanes(threads, planes, HW, (p0, p1) =>
        {
            for (int plane = p0; plane < p1; plane++) CpuVector.Shift(dx.AsSpan(plane * HW, HW), dy[plane] / HW);
        });

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool2dForward(float[] x, float[] y, int[] argmax, Pool2dGeometry g, int plane0, int plane1)
    {
        int H = g.H, W = g.W, K = g.K, S = g.Stride, P = g.Padding, OH = g.OH, OW = g.OW;
        for (int plane = plane0; plane < plane1; plane++)
        {
            var xp = x.AsSpan(plane * H * W, H * W);
            int o = plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
            {
                int h0 = oh * S - P, hBegin = Math.Max(0, h0), hEnd = Math.Min(H, h0 + K);
                for (int ow = 0; ow < OW; ow++, o++)
                {
                    int w0 = ow * S - P, wBegin = Math.Max(0, w0), wEnd = Math.Min(W, w0 + K);
                    int bestIndex = hBegin * W + wBegin;
                    float best = xp[bestIndex];
                    for (int ih = hBegin; ih < hEnd; ih++)
                    for (int iw = wBegin; iw < wEnd; iw++)
                    {
                        float v = xp[ih * W + iw];
                        // Same rule as the reference: the first maximum wins, the last NaN beats everything.
                        if (v > best || float.IsNaN(v))
                        {
                            best = v;
                            bestIndex = ih * W + iw;
                        }
                    }
                    y[o] = best;
                    argmax[o] = bestIndex;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool2dBackward(float[] dy, int[] argmax, float[] dx, Pool2dGeometry g, int plane0, int plane1)
    {
        int HW = g.H * g.W, OHW = g.OH * g.OW;
        for (int plane = plane0; plane < plane1; plane++)
        {
            var dxp = dx.AsSpan(plane * HW, HW);
            for (int o = plane * OHW; o < (plane + 1) * OHW; o++) dxp[argmax[o]] += dy[o];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgPool2dForward(float[] x, float[] y, Pool2dGeometry g, int plane0, int plane1)
    {
        int H = g.H, W = g.W, K = g.K, S = g.Stride, P = g.Padding, OH = g.OH, OW = g.OW;
        float inv = 1f / (K * K);
        for (int plane = plane0; plane < plane1; plane++)
        {
            var xp = x.AsSpan(plane * H * W, H * W);
            int o = plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
            {
                int h0 = oh * S - P, hBegin = Math.Max(0, h0), hEnd = Math.Min(H, h0 + K);
                for (int ow = 0; ow < OW; ow++, o++)
                {
                    int w0 = ow * S - P, wBegin = Math.Max(0, w0), wEnd = Math.Min(W, w0 + K);
                    float sum = 0f;
                    for (int ih = hBegin; ih < hEnd; ih++)
                    for (int iw = wBegin; iw < wEnd; iw++)
                        sum += xp[ih * W + iw];
                    y[o] = sum * inv;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgPool2dBackward(float[] dy, float[] dx, Pool2dGeometry g, int plane0, int plane1)
    {
        int H = g.H, W = g.W, K = g.K, S = g.Stride, P = g.Padding, OH = g.OH, OW = g.OW;
        float inv = 1f / (K * K);
        for (int plane = plane0; plane < plane1; plane++)
        {
            var dxp = dx.AsSpan(plane * H * W, H * W);
            int o = plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
            {
                int h0 = oh * S - P, hBegin = Math.Max(0, h0), hEnd = Math.Min(H, h0 + K);
                for (int ow = 0; ow < OW; ow++, o++)
                {
                    int w0 = ow * S - P, wBegin = Math.Max(0, w0), wEnd = Math.Min(W, w0 + K);
                    float share = dy[o] * inv;
                    for (int ih = hBegin; ih < hEnd; ih++)
                    for (int iw = wBegin; iw < wEnd; iw++)
                        dxp[ih * W + iw] += share;
                }
            }
        }
    }
}
