using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Checks of kernels/gemm.cu against <see cref="CpuReference"/>: every SGEMM version (and the naive one's
/// block sizes) × transposition × (alpha, beta) at odd and aligned sizes; the linear layers (SGEMM plus
/// the bias kernels) and the bias kernels on conv-shaped planes.
/// </summary>
public sealed class GemmChecks : IKernelCheckSource
{
    // M, N, K: odd sizes inside one tile, several tiles with ragged edges, and an aligned size whose
    // float4 paths end in a partial tile.
    private static readonly (int M, int N, int K)[] QuickSizes = [(33, 17, 9), (131, 67, 35), (64, 132, 20)];

    // Larger, for a real device: many whole 128x128 tiles, the transposes of a linear layer's backward.
    private static readonly (int M, int N, int K)[] FullSizes = [(256, 384, 320), (384, 260, 513)];

    // beta = 0 must ignore C (it holds NaNs then); the other pair scales both terms.
    private static readonly (float Alpha, float Beta)[] Scalings = [(1.5f, 0f), (0.7f, -1.3f)];

    // x[N,IN] · w[OUT,IN]ᵀ: a classifier (vgg16: 512 → 10, resnet20: 64 → 10) and odd sizes.
    private static readonly (int N, int In, int Out)[] QuickLinears = [(3, 37, 5), (7, 64, 10)];
    private static readonly (int N, int In, int Out)[] FullLinears = [(256, 512, 10), (256, 64, 10)];

    private static readonly int[] NaiveBlockSizes = [256, 96];

    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        foreach (var (m, n, k) in quick ? QuickSizes : [.. QuickSizes, .. FullSizes])
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (var (alpha, beta) in Scalings)
        {
            var gemm = new GemmCase(m, n, k, transA, transB, alpha, beta);
            foreach (var (version, block) in Variants())
                yield return new KernelCheck(GemmKernels.Gemm, version, block, gemm.ToString(),
                    KernelCheckKit.SumTolerance(k), KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, GemmKernels.Gemm, version, block, () => gemm.Run(backend)));
        }

        foreach (var (n, inputs, outputs) in quick ? QuickLinears : [.. QuickLinears, .. FullLinears])
        {
            var linear = new LinearCase(n, inputs, outputs);
            foreach (var (version, block) in Variants())
            {
                yield return new KernelCheck(GemmKernels.Gemm, version, block, $"linear forward {linear}",
                    KernelCheckKit.SumTolerance(inputs), KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, GemmKernels.Gemm, version, block, () => linear.RunForward(backend)));
                yield return new KernelCheck(GemmKernels.Gemm, version, block, $"linear backward {linear}",
                    KernelCheckKit.SumTolerance(Math.Max(n, outputs)), KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, GemmKernels.Gemm, version, block, () => linear.RunBackward(backend)));
            }
        }

        // The bias kernels on [N, C, P] planes (P = 1 is the linear layer's case above).
        foreach (var (n, channels, plane) in new[] { (3, 5, 49), (2, 37, 99) })
        {
            var bias = new BiasCase(n, channels, plane);
            foreach (int block in new[] { 256, 96 })
                yield return new KernelCheck(GemmKernels.BiasForward, 1, block, bias.ToString(), 1e-6, 1e-6,
                    backend => KernelCheckKit.WithVersion(backend, GemmKernels.BiasForward, 1, block, () => bias.RunForward(backend)));
            yield return new KernelCheck(GemmKernels.BiasBackward, 1, GemmKernels.BiasBlockSize, bias.ToString(),
                KernelCheckKit.SumTolerance((long)n * plane), KernelCheckKit.SumRelativeTolerance,
                backend => KernelCheckKit.WithVersion(backend, GemmKernels.BiasBackward, 1, 0, () => bias.RunBackward(backend)));
        }
    }

    private static IEnumerable<(int Version, int BlockSize)> Variants()
    {
        foreach (int block in NaiveBlockSizes) yield return (1, block);
        yield return (2, 0);
        yield return (3, 0);
    }

    /// <summary>One SGEMM problem with its inputs and (computed once, shared by every version) its reference.</summary>
    private sealed class GemmCase(int m, int n, int k, bool transA, bool transB, float alpha, float beta)
    {
        private readonly Lazy<(float[] A, float[] B, float[] C, float[] Expected)> _data = new(() =>
        {
            int seed = KernelCheckKit.Seed(m, n, k, transA ? 1 : 0, transB ? 1 : 0);
            var a = KernelCheckKit.Uniform(m * k, seed);
            var b = KernelCheckKit.Uniform(k * n, seed + 1);
            var c = beta == 0f ? Enumerable.Repeat(float.NaN, m * n).ToArray() : KernelCheckKit.Uniform(m * n, seed + 2);
            var expected = (float[])c.Clone();
            CpuReference.Gemm(transA, transB, m, n, k, alpha, a, b, beta, expected);
            return (a, b, c, expected);
        });

        public KernelCheckResult Run(CudaBackend backend)
        {
            var (a, b, c, expected) = _data.Value;
            using var ta = backend.FromArray(a, [transA ? k : m, transA ? m : k]);
            using var tb = backend.FromArray(b, [transB ? n : k, transB ? k : n]);
            using var tc = backend.FromArray(c, [m, n]);
            backend.Gemm(transA, transB, m, n, k, alpha, ta, tb, beta, tc);
            return KernelCheckKit.Compare(backend.ToFloatArray(tc), expected, KernelCheckKit.SumTolerance(k), KernelCheckKit.SumRelativeTolerance);
        }

        public override string ToString() =>
            $"M={m} N={n} K={k} {(transA ? "Aᵀ" : "A")}·{(transB ? "Bᵀ" : "B")} alpha={alpha} beta={beta}";
    }

    /// <summary>A linear layer x[N,IN], w[OUT,IN], b[OUT]; the backward starts from non-zero gradients (they accumulate).</summary>
    private sealed class LinearCase(int n, int inputs, int outputs)
    {
        private readonly Lazy<Data> _data = new(() => new Data(n, inputs, outputs));

        private sealed class Data
        {
            public Data(int n, int inputs, int outputs)
            {
                int seed = KernelCheckKit.Seed(n, inputs, outputs);
                X = KernelCheckKit.Uniform(n * inputs, seed);
                W = KernelCheckKit.Uniform(outputs * inputs, seed + 1);
                B = KernelCheckKit.Uniform(outputs, seed + 2);
                Dy = KernelCheckKit.Uniform(n * outputs, seed + 3);
                Dx0 = KernelCheckKit.Uniform(n * inputs, seed + 4);
                Dw0 = KernelCheckKit.Uniform(outputs * inputs, seed + 5);
                Db0 = KernelCheckKit.Uniform(outputs, seed + 6);
                Y = new float[n * outputs];
                CpuReference.LinearForward(X, W, B, Y, n, inputs, outputs);
                (Dx, Dw, Db) = ((float[])Dx0.Clone(), (float[])Dw0.Clone(), (float[])Db0.Clone());
                CpuReference.LinearBackward(Dy, X, W, Dx, Dw, Db, n, inputs, outputs);
            }

            public float[] X, W, B, Dy, Dx0, Dw0, Db0, Y, Dx, Dw, Db;
        }

        public KernelCheckResult RunForward(CudaBackend backend)
        {
            var d = _data.Value;
            using var x = backend.FromArray(d.X, [n, inputs]);
            using var w = backend.FromArray(d.W, [outputs, inputs]);
            using var b = backend.FromArray(d.B, [outputs]);
            using var y = backend.LinearForward(x, w, b);
            return KernelCheckKit.Compare(backend.ToFloatArray(y), d.Y, KernelCheckKit.SumTolerance(inputs), KernelCheckKit.SumRelativeTolerance);
        }

        public KernelCheckResult RunBackward(CudaBackend backend)
        {
            var d = _data.Value;
            using var x = backend.FromArray(d.X, [n, inputs]);
            using var w = backend.FromArray(d.W, [outputs, inputs]);
            using var dy = backend.FromArray(d.Dy, [n, outputs]);
            using var dx = backend.FromArray(d.Dx0, [n, inputs]);
            using var dw = backend.FromArray(d.Dw0, [outputs, inputs]);
            using var db = backend.FromArray(d.Db0, [outputs]);
            backend.LinearBackward(dy, x, w, dx, dw, db);
            float[] actual = [.. backend.ToFloatArray(dx), .. backend.ToFloatArray(dw), .. backend.ToFloatArray(db)];
            float[] expected = [.. d.Dx, .. d.Dw, .. d.Db];
            return KernelCheckKit.Compare(actual, expected, KernelCheckKit.SumTolerance(Math.Max(n, outputs)), KernelCheckKit.SumRelativeTolerance);
        }

        public override string ToString() => $"N={n} IN={inputs} OUT={outputs}";
    }

    /// <summary>y[N,C,P] += b[C] and db[C] += Σ_{n,p} dy[N,C,P], through the linear and conv entry points' kernels.</summary>
    private sealed class BiasCase(int n, int channels, int plane)
    {
        public KernelCheckResult RunForward(CudaBackend backend)
        {
            int seed = KernelCheckKit.Seed(n, channels, plane);
            var y0 = KernelCheckKit.Uniform(n * channels * plane, seed);
            var b = KernelCheckKit.Uniform(channels, seed + 1);
            var expected = new float[y0.Length];
            for (int i = 0; i < y0.Length; i++) expected[i] = y0[i] + b[i / plane % channels];
            using var ty = backend.FromArray(y0, [n, channels, plane]);
            using var tb = backend.FromArray(b, [channels]);
            backend.LaunchBiasForward(ty.Ptr, tb.Ptr, n, channels, plane);
            return KernelCheckKit.Compare(backend.ToFloatArray(ty), expected, 1e-6, 1e-6);
        }

        public KernelCheckResult RunBackward(CudaBackend backend)
        {
            int seed = KernelCheckKit.Seed(n, channels, plane);
            var dy = KernelCheckKit.Uniform(n * channels * plane, seed + 2);
            var db0 = KernelCheckKit.Uniform(channels, seed + 3);
            var expected = new float[channels];
            for (int c = 0; c < channels; c++)
            {
                double sum = db0[c];
                for (int i = 0; i < n; i++)
                for (int p = 0; p < plane; p++) sum += dy[(i * channels + c) * plane + p];
                expected[c] = (float)sum;
            }
            using var tdy = backend.FromArray(dy, [n, channels, plane]);
            using var tdb = backend.FromArray(db0, [channels]);
            backend.LaunchBiasBackward(tdb.Ptr, tdy.Ptr, n, channels, plane);
            return KernelCheckKit.Compare(backend.ToFloatArray(tdb), expected, KernelCheckKit.SumTolerance((long)n * plane), KernelCheckKit.SumRelativeTolerance);
        }

        public override string ToString() => $"N={n} C={channels} P={plane}";
    }
}
