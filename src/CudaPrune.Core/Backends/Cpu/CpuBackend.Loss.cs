using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

// The loss has one implementation for both modes: it is [N,K], tiny next to the convolutions.
public sealed partial class CpuBackend
{
    // logits[N,K], labels[N] int32, probs[N,K], losses[N]

    public Tensor SoftmaxCrossEntropyForward(Tensor logits, Tensor labels, float labelSmoothing, out Tensor probs)
    {
        var (N, K) = LossShape(logits, labels, labelSmoothing, "SoftmaxCrossEntropyForward");
        var losses = Empty([N]);
        probs = Empty([N, K]);
        CpuReference.SoftmaxCrossEntropyForward(logits.Span<float>(), labels.Span<int>(), labelSmoothing, losses.Span<float>(), probs.Span<float>(), N, K);
        return losses;
    }

    public void SoftmaxCrossEntropyBackward(Tensor probs, Tensor labels, float labelSmoothing, float scale, Tensor dlogits)
    {
        var (N, K) = LossShape(probs, labels, labelSmoothing, "SoftmaxCrossEntropyBackward");
        var d = Floats(dlogits, "SoftmaxCrossEntropyBackward dlogits", [N, K]);
        CpuReference.SoftmaxCrossEntropyBackward(probs.Span<float>(), labels.Span<int>(), labelSmoothing, scale, d, N, K);
    }

    private (int N, int K) LossShape(Tensor scores, Tensor labels, float labelSmoothing, string op)
    {
        RequireRank(scores, 2, $"{op} logits");
        int N = scores.Dim(0), K = scores.Dim(1);
        Floats(scores, $"{op} logits");
        var ls = Ints(labels, $"{op} labels");
        Shapes.Require(labels, [N], $"{op} labels");
        if (labelSmoothing is < 0f or >= 1f || float.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"{op}: label smoothing must be in [0, 1)");
        for (int n = 0; n < N; n++)
            if ((uint)ls[n] >= (uint)K) throw new ArgumentException($"{op}: label {ls[n]} of sample {n} is outside [0, {K})");
        return (N, K);
    }
}
