using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// kernels/loss.cu: logits[N,K], labels[N] int32, probs[N,K], losses[N].
// Labels are not range-checked here (that would need their values on the host, a wait for the device);
// the kernels turn a label outside [0, K) into NaN losses and gradients for its sample instead.
public sealed partial class CudaBackend
{
    private const string LossModule = "loss";

    public Tensor SoftmaxCrossEntropyForward(Tensor logits, Tensor labels, float labelSmoothing, out Tensor probs)
    {
        var (N, K) = LossShape(logits, labels, labelSmoothing, "SoftmaxCrossEntropyForward");
        var losses = Empty([N]);
        probs = Empty([N, K]);
        const string op = "softmax_cross_entropy_forward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(losses.Ptr); a.Add(probs.Ptr); a.Add(logits.Ptr); a.Add(labels.Ptr); a.Add(N); a.Add(K); a.Add(labelSmoothing);
        long threads = version == 2 ? 32L * N : N; // version 2: a warp per sample
        Launch(KernelOf(LossModule, op, version), GridStrideBlocks(threads, block), block, 0, ref a,
            flops: 6.0 * N * K, bytes: 4.0 * (2L * N * K + 2L * N));
        return losses;
    }

    public void SoftmaxCrossEntropyBackward(Tensor probs, Tensor labels, float labelSmoothing, float scale, Tensor dlogits)
    {
        var (N, K) = LossShape(probs, labels, labelSmoothing, "SoftmaxCrossEntropyBackward");
        RequireShape(dlogits, [N, K], "SoftmaxCrossEntropyBackward dlogits");
        const string op = "softmax_cross_entropy_backward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(dlogits.Ptr); a.Add(probs.Ptr); a.Add(labels.Ptr); a.Add(N); a.Add(K); a.Add(labelSmoothing); a.Add(scale);
        Launch(KernelOf(LossModule, op, version), GridStrideBlocks(probs.Count, block), block, 0, ref a,
            flops: 3.0 * probs.Count, bytes: 4.0 * (3 * probs.Count + N));
    }

    private (int N, int K) LossShape(Tensor scores, Tensor labels, float labelSmoothing, string op)
    {
        Require(scores, $"{op} logits");
        RequireRank(scores, 2, $"{op} logits");
        int N = scores.Dim(0), K = scores.Dim(1);
        RequireInt32Range(scores.Count, $"{op} logits {scores.Describe()}");
        if (K == 0 && N > 0) throw new ArgumentException($"{op}: logits {scores.Describe()} have no classes");
        RequireShape(labels, [N], $"{op} labels", DType.Int32);
        if (labelSmoothing is < 0f or >= 1f || float.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"{op}: label smoothing must be in [0, 1)");
        return (N, K);
    }
}
