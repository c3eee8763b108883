using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Checks of the inference kernels against <see cref="CpuReference"/>: the fused conv + bias + ReLU
/// (conv2d.cu and conv2d_specialised.cu, every version and tile, with and without a bias) and batch-norm folding (inference.cu).
/// </summary>
public sealed class InferenceChecks : IKernelCheckSource
{
    // OC, per-filter weights (C·K·K), with a conv bias: resnet-like (no bias) and simplecnn-like (bias) filters.
    private static readonly (int OC, int Per, bool Bias)[] QuickFolds = [(6, 45, true), (37, 171, false)];
    private static readonly (int OC, int Per, bool Bias)[] FullFolds = [(64, 27, false), (512, 4608, false)];

    private const float Epsilon = 1e-5f;

    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        var shapes = quick ? Conv2dChecks.QuickShapes : [.. Conv2dChecks.QuickShapes, .. Conv2dChecks.ModelShapes];
        for (int i = 0; i < shapes.Count; i++)
        {
            // The other half of the shapes than Conv2dChecks gives a bias, so each shape is seen both ways.
            var conv = new Conv2dChecks.ConvCase(shapes[i], withBias: i % 2 == 1);
            foreach (var v in Conv2dChecks.Variants(shapes[i], quick))
                yield return new KernelCheck(ConvKernels.BiasReluForward, v.Version, v.BlockSize, conv + v.Describe(),
                    conv.Tolerances.Forward, KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, ConvKernels.BiasReluForward, v.Version, v.BlockSize, () => RunBiasRelu(backend, conv), v.Tile, v.Splits));
        }

        foreach (var (oc, per, bias) in quick ? QuickFolds : [.. QuickFolds, .. FullFolds])
        foreach (int block in new[] { InferenceKernels.BlockSize, 96 })
            yield return new KernelCheck(InferenceKernels.FoldBatchNorm, 1, block, $"OC={oc} C·K·K={per}{(bias ? " bias" : "")}",
                FoldAtol, FoldRtol,
                backend => KernelCheckKit.WithVersion(backend, InferenceKernels.FoldBatchNorm, 1, block, () => RunFold(backend, oc, per, bias)));
    }

    // Folding is a product per element, no sum: the GPU's float 1/√(var + ε) is within a few ulps of the
    // double reference.
    private const double FoldAtol = 1e-6, FoldRtol = 1e-5;

    private static KernelCheckResult RunBiasRelu(CudaBackend backend, Conv2dChecks.ConvCase conv)
    {
        var g = conv.Geometry;
        var expected = conv.Y.Select(v => Math.Max(v, 0f)).ToArray();
        using var x = backend.FromArray(conv.X, g.InputShape);
        using var w = backend.FromArray(conv.W, g.WeightShape);
        using var b = conv.B is null ? null : backend.FromArray(conv.B, [g.OC]);
        using var y = backend.Conv2dBiasReluForward(x, w, b, g, relu: true);
        return KernelCheckKit.Compare(backend.ToFloatArray(y), expected, conv.Tolerances.Forward, KernelCheckKit.SumRelativeTolerance);
    }

    private static KernelCheckResult RunFold(CudaBackend backend, int oc, int per, bool withBias)
    {
        int seed = KernelCheckKit.Seed(oc, per, withBias ? 1 : 0);
        var w = KernelCheckKit.Uniform(oc * per, seed);
        var b = withBias ? KernelCheckKit.Uniform(oc, seed + 1) : null;
        var gamma = KernelCheckKit.Uniform(oc, seed + 2);
        var beta = KernelCheckKit.Uniform(oc, seed + 3);
        var mean = KernelCheckKit.Uniform(oc, seed + 4);
        var variance = KernelCheckKit.Uniform(oc, seed + 5).Select(v => 1.05f + v).ToArray(); // in [0.05, 2.05)
        var wExpected = new float[oc * per];
        var bExpected = new float[oc];
        CpuReference.FoldBatchNorm(w, b, gamma, beta, mean, variance, Epsilon, wExpected, bExpected, oc, per);

        using var tw = backend.FromArray(w, [oc, per]);
        using var tb = b is null ? null : backend.FromArray(b, [oc]);
        using var tg = backend.FromArray(gamma, [oc]);
        using var tbeta = backend.FromArray(beta, [oc]);
        using var tm = backend.FromArray(mean, [oc]);
        using var tv = backend.FromArray(variance, [oc]);
        var (folded, bias) = backend.FoldBatchNorm(tw, tb, tg, tbeta, tm, tv, Epsilon);
        using (folded)
        using (bias)
            return KernelCheckKit.Compare([.. backend.ToFloatArray(folded), .. backend.ToFloatArray(bias)], [.. wExpected, .. bExpected], FoldAtol, FoldRtol);
    }
}
