namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    // x[N,IN], w[OUT,IN], b[OUT] (empty: no bias), y[N,OUT]

    /// <summary>y[n,o] = b[o] + Σ_i x[n,i] · w[o,i].</summary>
    public static void LinearForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int N, int IN, int OUT)
    {
        for (int n = 0; n < N; n++)
        for (int o = 0; o < OUT; o++)
        {
            double sum = b.IsEmpty ? 0 : b[o];
            for (int i = 0; i < IN; i++) sum += (double)x[n * IN + i] * w[o * IN + i];
            y[n * OUT + o] = (float)sum;
        }
    }

    /// <summary>dx[n,i] += Σ_o dy[n,o] · w[o,i]; dw[o,i] += Σ_n dy[n,o] · x[n,i]; db[o] += Σ_n dy[n,o]. Empty spans are skipped.</summary>
    public static void LinearBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        Span<float> dx, Span<float> dw, Span<float> db, int N, int IN, int OUT)
    {
        if (!dx.IsEmpty)
            for (int n = 0; n < N; n++)
            for (int i = 0; i < IN; i++)
            {
                double sum = 0;
                for (int o = 0; o < OUT; o++) sum += (double)dy[n * OUT + o] * w[o * IN + i];
                dx[n * IN + i] += (float)sum;
            }
        if (!dw.IsEmpty)
            for (int o = 0; o < OUT; o++)
            for (int i = 0; i < IN; i++)
            {
                double sum = 0;
                for (int n = 0; n < N; n++) sum += (double)dy[n * OUT + o] * x[n * IN + i];
                dw[o * IN + i] += (float)sum;
            }
        if (!db.IsEmpty)
            for (int o = 0; o < OUT; o++)
            {
                double sum = 0;
                for (int n = 0; n < N; n++) sum += dy[n * OUT + o];
                db[o] += (float)sum;
            }
    }

    /// <summary>
    /// Row-major C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, where op(A)[i,p] = transA ? A[p,i] : A[i,p]
    /// and op(B)[p,j] = transB ? B[j,p] : B[p,j]. With beta = 0, C's old contents are ignored (as in BLAS).
    /// </summary>
    public static void Gemm(bool transA, bool transB, int M, int N, int K, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c)
    {
        for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
        {
            double sum = 0;
            for (int p = 0; p < K; p++)
            {
                float aip = transA ? a[p * M + i] : a[i * K + p];
                float bpj = transB ? b[j * K + p] : b[p * N + j];
                sum += (double)aip * bpj;
            }
            float old = beta == 0f ? 0f : beta * c[i * N + j];
            c[i * N + j] = (float)(alpha * sum) + old;
        }
    }
}
