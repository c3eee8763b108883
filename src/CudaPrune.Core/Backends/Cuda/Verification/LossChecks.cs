namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Checks of kernels/loss.cu: softmax cross-entropy forward (losses and probabilities) and backward, with and without label smoothing.</summary>
/// <remarks>
/// Logits are uniform in [-4, 4), shifted by +100 on every other sample, so a kernel that forgets to
/// subtract the row maximum overflows exp (e^100 > 3.4e38, the largest float). Tolerances: the forward
/// uses float expf/logf (≤ 2 ulp) and float sums of K terms where the reference works in double:
/// 1e-5 + 1e-5·|ref| (losses are O(1..10), probabilities ≤ 1). The backward computes scale·(p - target) in float, the reference in double and
/// rounds once: 1e-6 + 1e-5·|ref|.
/// </remarks>
public sealed class LossChecks : IKernelCheckSource
{
    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        // K = 37: more classes than a warp's lanes (version 2 loops); K = 10: CIFAR-10.
        (int N, int K)[] shapes = quick ? [(5, 10), (3, 37)] : [(256, 10), (256, 100), (128, 1000)];
        int[] blocks = quick ? [64, 256] : [128, 256, 512];
        // Shape-major, so that consecutive checks share the reference outputs (ReferenceCheck).
        foreach (var (N, K) in shapes)
        foreach (var smoothing in new[] { 0f, 0.1f })
        {
            string shape = $"N={N} K={K} smoothing={smoothing}";
            foreach (var version in new[] { 1, 2 })
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("softmax_cross_entropy_forward", version, block, shape, 1e-5, 1e-5, be => Forward(be, N, K, smoothing));
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("softmax_cross_entropy_backward", 1, block, shape, 1e-6, 1e-5, be => Backward(be, N, K, smoothing));
        }
    }

    private static CheckOutput[] Forward(IBackend be, int N, int K, float smoothing)
    {
        var z = CheckData.Uniform((long)N * K, 51, -4f, 4f);
        for (int n = 1; n < N; n += 2) for (int k = 0; k < K; k++) z[n * K + k] += 100f;
        var logits = be.FromArray(z, [N, K]);
        var labels = be.FromArray(CheckData.Integers(N, 52, K), [N]);
        var losses = be.SoftmaxCrossEntropyForward(logits, labels, smoothing, out var probs);
        return [new("losses", losses.ToArray()), new("probs", probs.ToArray())];
    }

    private static CheckOutput[] Backward(IBackend be, int N, int K, float smoothing)
    {
        var probs = be.FromArray(CheckData.Uniform((long)N * K, 53, 0f, 1f), [N, K]);
        var labels = be.FromArray(CheckData.Integers(N, 54, K), [N]);
        var dlogits = be.FromArray(CheckData.Uniform((long)N * K, 55), [N, K]); // non-zero: the kernel must accumulate
        be.SoftmaxCrossEntropyBackward(probs, labels, smoothing, 1f / N, dlogits);
        return [new("dlogits", dlogits.ToArray())];
    }
}
