using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

public sealed partial class CpuBackend
{
    // x[N,IN], w[OUT,IN], b[OUT], y[N,OUT]

    public Tensor LinearForward(Tensor x, Tensor w, Tensor? b)
    {
        RequireRank(x, 2, "LinearForward input");
        RequireRank(w, 2, "LinearForward weight");
        int N = x.Dim(0), IN = x.Dim(1), OUT = w.Dim(0);
        var xs = Floats(x, "LinearForward input");
        var ws = Floats(w, "LinearForward weight", [OUT, IN]);
        var bs = OptionalFloats(b, "LinearForward bias", [OUT]);
        var y = Empty([N, OUT]);
        using var _ = Observe("linear_forward", 2.0 * N * IN * OUT + (b is null ? 0 : y.Count), 4.0 * (x.Count + w.Count + y.Count + (b?.Count ?? 0)));
        if (!UseFastPaths)
        {
            CpuReference.LinearForward(xs, ws, bs, y.Span<float>(), N, IN, OUT);
            return y;
        }
        var ys = y.Span<float>();
        if (b is not null) for (int n = 0; n < N; n++) bs.CopyTo(ys.Slice(n * OUT, OUT));
        FastGemm(false, true, N, OUT, IN, 1f, FloatArray(x), FloatArray(w), b is null ? 0f : 1f, FloatArray(y));
        return y;
    }

    public void LinearBackward(Tensor dy, Tensor x, Tensor w, Tensor? dx, Tensor? dw, Tensor? db)
    {
        RequireRank(x, 2, "LinearBackward input");
        RequireRank(w, 2, "LinearBackward weight");
        int N = x.Dim(0), IN = x.Dim(1), OUT = w.Dim(0);
        var xs = Floats(x, "LinearBackward input");
        var ws = Floats(w, "LinearBackward weight", [OUT, IN]);
        var dys = Floats(dy, "LinearBackward dy", [N, OUT]);
        var dxs = OptionalFloats(dx, "LinearBackward dx", [N, IN]);
        var dws = OptionalFloats(dw, "LinearBackward dw", [OUT, IN]);
        var dbs = OptionalFloats(db, "LinearBackward db", [OUT]);
        using var _ = Observe("linear_backward", (dx is null ? 0 : 2.0 * N * IN * OUT) + (dw is null ? 0 : 2.0 * N * IN * OUT) + (db is null ? 0 : dy.Count),
            4.0 * (dy.Count + (dx is null ? 0 : w.Count + 2 * dx.Count) + (dw is null ? 0 : x.Count + 2 * dw.Count) + 2 * (db?.Count ?? 0)));
        if (!UseFastPaths)
        {
            CpuReference.LinearBackward(dys, xs, ws, dxs, dws, dbs, N, IN, OUT);
            return;
        }
        if (dx is not null) FastGemm(false, false, N, IN, OUT, 1f, FloatArray(dy), FloatArray(w), 1f, FloatArray(dx));
        if (dw is not null) FastGemm(true, false, OUT, IN, N, 1f, FloatArray(dy), FloatArray(x), 1f, FloatArray(dw));
        if (db is not null) for (int n = 0; n < N; n++) CpuVector.Add(dbs, dys.Slice(n * OUT, OUT));
    }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm: negative size m={m} n={n} k={k}");
        var sa = Floats(a, "Gemm A");
        var sb = Floats(b, "Gemm B");
        var sc = Floats(c, "Gemm C");
        RequireCount(a, (long)m * k, $"Gemm A ({(transA ? $"[{k},{m}]" : $"[{m},{k}]")})");
        RequireCount(b, (long)k * n, $"Gemm B ({(transB ? $"[{n},{k}]" : $"[{k},{n}]")})");
        RequireCount(c, (long)m * n, $"Gemm C ([{m},{n}])");
        using var _ = Observe("gemm", 2.0 * m * n * k, 4.0 * ((long)m * k + (long)k * n + (beta == 0f ? 1 : 2) * (long)m * n));
        if (UseFastPaths) FastGemm(transA, transB, m, n, k, alpha, FloatArray(a), FloatArray(b), beta, FloatArray(c));
        else CpuReference.Gemm(transA, transB, m, n, k, alpha, sa, sb, beta, sc);
    }

    /// <summary>Row-major, densely stored operands: lda = transA ? m : k, ldb = transB ? k : n, ldc = n.</summary>
    private unsafe void FastGemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        fixed (float* pa = a, pb = b, pc = c)
            CpuSgemm.Gemm(_kernel, Threads, transA, transB, m, n, k, alpha, pa, transA ? m : k, pb, transB ? k : n, beta, pc, n);
    }
}
