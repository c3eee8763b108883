using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// im2col and col2im for one image: the columns matrix col[CKK, P] (CKK = C·K·K rows k = (c·K + kh)·K + kw,
/// P = OH·OW pixels p = oh·OW + ow) holding col[k, p] = x[c, oh·S - pad + kh, ow·S - pad + kw] (zero outside the image).
/// </summary>
/// <remarks>
/// The columns are written straight into the micro-kernel's packed B̃ layout, panels of nr pixels:
/// dst[(p / nr)·CKK·nr + k·nr + p % nr], so the forward GEMM needs no packing pass (nr = P gives the
/// plain row-major matrix). The image is first copied with a zero border, so every row of col is a set
/// of plain copies (runs) from it; the runs depend only on the geometry and are computed once per call.
/// The forward fills a few panels at a time, so they are still in L2 when the GEMM reads them.
/// </remarks>
internal static unsafe class CpuIm2Col
{
    /// <summary>
    /// Where each run of consecutive pixels of one col row comes from and goes to: source offset in a
    /// padded plane, destination offset from the row's start in panel layout, and length. Same for every
    /// row k. Runs never cross a panel, so a range of panels is a range of runs.
    /// </summary>
    internal sealed class Runs
    {
        public Runs(Conv2dGeometry g, int nr)
        {
            int OW = g.OW, S = g.Stride, Wp = g.W + 2 * g.Padding, P = g.OH * OW;
            long panelStride = (long)g.C * g.K * g.K * nr;
            var source = new List<int>();
            var destination = new List<long>();
            var length = new List<int>();
            var firstRun = new List<int>();
            int p = 0;
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < OW;)
                {
                    int lane = p % nr;
                    if (lane == 0) firstRun.Add(source.Count);
                    int run = Math.Min(nr - lane, OW - ow);
                    source.Add(oh * S * Wp + ow * S);
                    destination.Add(p / nr * panelStride + lane);
                    length.Add(run);
                    ow += run;
                    p += run;
                }
            firstRun.Add(source.Count);
            (Source, Destination, Length, FirstRun, Nr, PanelStride) =
                (source.ToArray(), destination.ToArray(), length.ToArray(), firstRun.ToArray(), nr, panelStride);
            Panels = (P + nr - 1) / nr;
            Tail = P % nr;
        }

        public int[] Source { get; }
        public long[] Destination { get; }
        public int[] Length { get; }

        /// <summary>FirstRun[j] = the first run of panel j; FirstRun[Panels] = the run count.</summary>
        public int[] FirstRun { get; }

        public int Nr { get; }
        public int Panels { get; }
        public long PanelStride { get; }

        /// <summary>Pixels in the last panel when it is partial (its other lanes are zeroed), else 0.</summary>
        public int Tail { get; }
    }

    /// <summary>Floats of the zero-bordered copy of one image.</summary>
    public static long PaddedSize(Conv2dGeometry g) => (long)g.C * (g.H + 2 * g.Padding) * (g.W + 2 * g.Padding);

    /// <summary>The image im2col reads: x itself without padding, else its zero-bordered copy in <paramref name="padded"/> (<see cref="PaddedSize"/> floats).</summary>
    public static float* PaddedImage(float* x, Conv2dGeometry g, float* padded)
    {
        if (g.Padding == 0) return x;
        Pad(x, g.C, g.H, g.W, g.Padding, padded);
        return padded;
    }

    /// <summary>
    /// Panels [panel0, panel1) of the columns of the padded image <paramref name="src"/>, panel0 written at
    /// <paramref name="dst"/>, row k of a panel at k·<paramref name="rowStride"/> (runs.Nr for the packed
    /// layout; with runs for nr = P, a larger stride lets several images sit side by side).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Im2Col(float* src, Conv2dGeometry g, Runs runs, int panel0, int panel1, float* dst, long rowStride)
    {
        int C = g.C, K = g.K, S = g.Stride;
        int Hp = g.H + 2 * g.Padding, Wp = g.W + 2 * g.Padding, nr = runs.Nr;
        int r0 = runs.FirstRun[panel0], r1 = runs.FirstRun[panel1];
        long shift = panel0 * runs.PanelStride;
        fixed (int* sourceOffsets = runs.Source, lengths = runs.Length)
        fixed (long* destinationOffsets = runs.Destination)
        {
            for (int c = 0; c < C; c++)
            for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
            {
                int k = (c * K + kh) * K + kw;
                float* plane = src + (nint)c * Hp * Wp + kh * Wp + kw;
                float* row = dst + k * rowStride - shift;
                if (S == 1)
                    for (int r = r0; r < r1; r++) Copy(plane + sourceOffsets[r], row + destinationOffsets[r], lengths[r]);
                else
                    for (int r = r0; r < r1; r++)
                    {
                        float* s = plane + sourceOffsets[r];
                        float* d = row + destinationOffsets[r];
                        for (int t = 0; t < lengths[r]; t++) d[t] = s[t * S];
                    }
            }
        }
        if (runs.Tail != 0 && panel1 == runs.Panels)
        {
            float* last = dst + (panel1 - 1 - panel0) * runs.PanelStride;
            for (int k = 0; k < C * K * K; k++) new Span<float>(last + k * rowStride + runs.Tail, nr - runs.Tail).Clear();
        }
    }

    /// <summary>xpad[C, H + 2·pad, W + 2·pad] = x with a zero border.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pad(float* x, int C, int H, int W, int pad, float* xpad)
    {
        int Hp = H + 2 * pad, Wp = W + 2 * pad;
        for (int c = 0; c < C; c++)
        {
            float* plane = xpad + (nint)c * Hp * Wp;
            new Span<float>(plane, pad * Wp).Clear();
            for (int h = 0; h < H; h++)
            {
                float* row = plane + (nint)(h + pad) * Wp;
                new Span<float>(row, pad).Clear();
                Copy(x + ((nint)c * H + h) * W, row + pad, W);
                new Span<float>(row + pad + W, pad).Clear();
            }
            new Span<float>(plane + (nint)(H + pad) * Wp, pad * Wp).Clear();
        }
    }

    /// <summary>dx[C,H,W] += col2im(col), col plain row-major [CKK, P]: every column entry added back to the input pixel it was read from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                float* row = plane + (nint)ih * W - pad + kw;
                float* s = src + (nint)oh * OW;
                for (int ow = owBegin; ow < owEnd; ow++) row[ow * S] += s[ow];
            }
        }
    }

    /// <summary>d[0..n) = s[0..n), eight floats at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* s, float* d, int n)
    {
        int t = 0;
        for (; t <= n - 8; t += 8) Vector256.Store(Vector256.Load(s + t), d + t);
        for (; t < n; t++) d[t] = s[t];
    }

    /// <summary>⌈a / b⌉ for b &gt; 0 and any sign of a.</summary>
    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
