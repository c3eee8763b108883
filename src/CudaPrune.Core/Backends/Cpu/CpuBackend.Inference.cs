using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

// Inference: the fused conv + bias + ReLU and batch-norm folding (reference semantics; the fused conv
// takes the convolution's fast path).
public sealed partial class CpuBackend
{
    public Tensor Conv2dBiasReluForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g, bool relu)
    {
        using var _ = Observe("conv2d_bias_relu_forward", g.Flops + (b is null ? 0 : 1) * Shapes.Count(g.OutputShape) + (relu ? 1 : 0) * Shapes.Count(g.OutputShape),
            4.0 * (x.Count + w.Count + Shapes.Count(g.OutputShape) + (b?.Count ?? 0)));
        var y = Conv2dForward(x, w, b, g);
        if (!relu) return y;
        var ys = y.Span<float>();
        for (int i = 0; i < ys.Length; i++) ys[i] = NanMath.Relu(ys[i]);
        return y;
    }

    public (Tensor W, Tensor B) FoldBatchNorm(Tensor w, Tensor? b, Tensor gamma, Tensor beta, Tensor mean, Tensor var, float eps)
    {
        if (w.Rank < 1) throw new ArgumentException($"FoldBatchNorm weight: expected [OC, ...], got {Shapes.Format(w.Shape)}");
        int oc = w.Dim(0);
        var ws = Floats(w, "FoldBatchNorm weight");
        var bs = OptionalFloats(b, "FoldBatchNorm bias", [oc]);
        var gs = Floats(gamma, "FoldBatchNorm gamma", [oc]);
        var betas = Floats(beta, "FoldBatchNorm beta", [oc]);
        var means = Floats(mean, "FoldBatchNorm running mean", [oc]);
        var vars = Floats(var, "FoldBatchNorm running var", [oc]);
        var wOut = Empty(w.Shape);
        var bOut = Empty([oc]);
        using var _ = Observe("fold_batch_norm", 2.0 * w.Count + 6.0 * oc, 4.0 * (2 * w.Count + 7 * oc));
        int per = oc == 0 ? 0 : (int)(w.Count / oc);
        CpuReference.FoldBatchNorm(ws, bs, gs, betas, means, vars, eps, wOut.Span<float>(), bOut.Span<float>(), oc, per);
        return (wOut, bOut);
    }
}
