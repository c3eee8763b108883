namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    // logits[N,K], labels[N] in [0, K), probs[N,K], losses[N]; smoothing ε: target = (1 - ε)·onehot(label) + ε/K

    /// <summary>
    /// probs = softmax(logits) per row (max subtracted first, so large logits do not overflow);
    /// loss[n] = -Σ_k target[n,k] · log probs[n,k], with log probs = logits - logsumexp computed directly.
    /// </summary>
    public static void SoftmaxCrossEntropyForward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, float labelSmoothing,
        Span<float> losses, Span<float> probs, int N, int K)
    {
        for (int n = 0; n < N; n++)
        {
            var z = logits.Slice(n * K, K);
            float max = float.NegativeInfinity;
            for (int k = 0; k < K; k++) max = NanMath.Max(max, z[k]);
            double sumExp = 0;
            for (int k = 0; k < K; k++) sumExp += Math.Exp(z[k] - max);
            double logSumExp = max + Math.Log(sumExp);
            double loss = 0;
            for (int k = 0; k < K; k++)
            {
                double logProb = z[k] - logSumExp;
                probs[n * K + k] = (float)Math.Exp(logProb);
                loss -= SmoothedTarget(k, labels[n], labelSmoothing, K) * logProb;
            }
            losses[n] = (float)loss;
        }
    }

    /// <summary>dlogits[n,k] += scale · (probs[n,k] - target[n,k]).</summary>
    public static void SoftmaxCrossEntropyBackward(ReadOnlySpan<float> probs, ReadOnlySpan<int> labels, float labelSmoothing,
        float scale, Span<float> dlogits, int N, int K)
    {
        for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++)
            dlogits[n * K + k] += (float)(scale * (probs[n * K + k] - SmoothedTarget(k, labels[n], labelSmoothing, K)));
    }

    /// <summary>(1 - ε)·[k = label] + ε/K.</summary>
    public static double SmoothedTarget(int k, int label, float labelSmoothing, int K) =>
        (k == label ? 1.0 - labelSmoothing : 0.0) + (double)labelSmoothing / K;
}
