namespace CudaPrune.Core.Backends.Cuda.Planning;

/// <summary>
/// One convolution pass seen as the GEMM its implicit-GEMM kernel computes: C[M, N] = A[M, K] · B[K, N], and
/// the size of its output (what split-K partial sums take per split).
/// </summary>
public readonly record struct ConvGemm(int M, long N, long K, long Outputs)
{
    /// <summary>forward: M = OC, N = N·OH·OW, K = C·K·K; backward data: M = C, N = N·H·W, K = OC·K·K; backward weight: M = OC, N = C·K·K, K = N·OH·OW.</summary>
    public static ConvGemm Of(string op, Conv2dGeometry g) => op switch
    {
        ConvKernels.Forward or ConvKernels.BiasReluForward =>
            new(g.OC, (long)g.N * g.OH * g.OW, (long)g.C * g.K * g.K, (long)g.N * g.OC * g.OH * g.OW),
        ConvKernels.BackwardData => new(g.C, (long)g.N * g.H * g.W, (long)g.OC * g.K * g.K, (long)g.N * g.C * g.H * g.W),
        ConvKernels.BackwardWeight => new(g.OC, (long)g.C * g.K * g.K, (long)g.N * g.OH * g.OW, (long)g.OC * g.C * g.K * g.K),
        _ => throw new ArgumentException($"not a convolution op: {op}; ops: {string.Join(", ", ConvKernels.Ops)}", nameof(op)),
    };

    /// <summary>The multiply-adds the convolution needs: M·N·K.</summary>
    public double UsefulMacs => (double)M * N * K;
}
