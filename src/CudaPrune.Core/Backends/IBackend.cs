using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends;

/// <summary>
/// The whole op set, without autograd. The CPU backend is the reference; the CUDA backend (real GPU or
/// emulated) implements the same methods with our kernels, under the same names.
/// </summary>
/// <remarks>
/// Conventions (llm.c's): forward ops allocate and return their output; backward ops ACCUMULATE
/// (<c>+=</c>) into the gradient tensors they are given (<c>dx</c>, <c>dw</c>, ...), which the caller
/// zero-initialised. Gradients are named d&lt;x&gt;. All tensors are contiguous, NCHW, float32 unless noted.
/// Every tensor argument must live on this backend.
/// </remarks>
public interface IBackend : IDisposable
{
    /// <summary>"cpu", "cuda:0 (NVIDIA H100 80GB HBM3)", "emulated".</summary>
    string Name { get; }

    DeviceKind Kind { get; }

    /// <summary>When set, sees every op (CPU) or kernel launch (CUDA) with its FLOPs and bytes, for per-kernel profiling.</summary>
    IOpObserver? Observer { get; set; }

    // ---------------------------------------------------------------- memory

    /// <summary>Uninitialised tensor.</summary>
    Tensor Empty(int[] shape, DType dtype = DType.Float32);

    /// <summary>Zero-filled tensor.</summary>
    Tensor Zeros(int[] shape, DType dtype = DType.Float32);

    Tensor FromArray(float[] data, int[] shape);
    Tensor FromArray(int[] data, int[] shape);
    Tensor FromArray(byte[] data, int[] shape);

    float[] ToFloatArray(Tensor t);
    int[] ToIntArray(Tensor t);

    /// <summary>Sets every element of a float32 tensor to <paramref name="value"/>.</summary>
    void Fill(Tensor t, float value);

    /// <summary>dst = src (same element count and dtype).</summary>
    void Copy(Tensor src, Tensor dst);

    /// <summary>Waits for all queued work (no-op on the CPU).</summary>
    void Synchronize();

    // ---------------------------------------------------------------- convolution
    // x[N,C,H,W], w[OC,C,K,K], b[OC] (optional), y[N,OC,OH,OW]

    Tensor Conv2dForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g);

    /// <summary>dx += conv_transpose(dy, w).</summary>
    void Conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, Conv2dGeometry g);

    /// <summary>dw += correlation of x with dy; db += sum of dy over N, OH, OW (when db is given).</summary>
    void Conv2dBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor? db, Conv2dGeometry g);

    // ---------------------------------------------------------------- inference (conv + folded batch norm)

    /// <summary>
    /// The inference convolution with its epilogue fused: y = conv(x, w) + b, then max(0, y) when
    /// <paramref name="relu"/> — after <see cref="FoldBatchNorm"/>, a whole conv-BN-ReLU in one kernel.
    /// Same shapes as <see cref="Conv2dForward"/>; without <paramref name="relu"/> it is <see cref="Conv2dForward"/>.
    /// </summary>
    Tensor Conv2dBiasReluForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g, bool relu);

    /// <summary>
    /// Folds an eval-mode batch norm into the layer before it: with s = gamma / sqrt(var + eps) per output
    /// channel, returns new tensors W = w · s (w[OC, ...], scaled along dimension 0) and
    /// B = beta + (b - mean) · s ([OC]; a null <paramref name="b"/> counts as 0).
    /// </summary>
    (Tensor W, Tensor B) FoldBatchNorm(Tensor w, Tensor? b, Tensor gamma, Tensor beta, Tensor mean, Tensor var, float eps);

    // ---------------------------------------------------------------- linear / GEMM
    // x[N,IN], w[OUT,IN] (PyTorch layout), b[OUT], y[N,OUT]

    /// <summary>y = x · wᵀ + b.</summary>
    Tensor LinearForward(Tensor x, Tensor w, Tensor? b);

    /// <summary>dx += dy · w; dw += dyᵀ · x; db += column sums of dy. Any gradient may be null (not needed).</summary>
    void LinearBackward(Tensor dy, Tensor x, Tensor w, Tensor? dx, Tensor? dw, Tensor? db);

    /// <summary>
    /// Row-major SGEMM: C = alpha · op(A) · op(B) + beta · C with op(A) [M,K], op(B) [K,N], C [M,N];
    /// op transposes when the flag is set (A is then stored [K,M], B [N,K]).
    /// </summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    // ---------------------------------------------------------------- elementwise

    Tensor ReluForward(Tensor x);

    /// <summary>dx += dy where y &gt; 0.</summary>
    void ReluBackward(Tensor dy, Tensor y, Tensor dx);

    /// <summary>a + b (same shape).</summary>
    Tensor Add(Tensor a, Tensor b);

    /// <summary>dst += alpha · src (same element count). Gradient accumulation.</summary>
    void AddInPlace(Tensor dst, Tensor src, float alpha = 1f);

    /// <summary>t *= alpha.</summary>
    void Scale(Tensor t, float alpha);

    /// <summary>grad += lambda · sign(param): the subgradient of an L1 penalty (network slimming).</summary>
    void AddL1Subgradient(Tensor grad, Tensor param, float lambda);

    // ---------------------------------------------------------------- pooling

    /// <summary>Max pooling; <paramref name="argmax"/> (int32, same shape as y) holds the flat input index (within the (n,c) plane) of each max.</summary>
    Tensor MaxPool2dForward(Tensor x, Pool2dGeometry g, out Tensor argmax);

    /// <summary>dx[argmax] += dy.</summary>
    void MaxPool2dBackward(Tensor dy, Tensor argmax, Tensor dx, Pool2dGeometry g);

    /// <summary>Average pooling; padded cells count in the divisor (PyTorch's count_include_pad=True).</summary>
    Tensor AvgPool2dForward(Tensor x, Pool2dGeometry g);

    void AvgPool2dBackward(Tensor dy, Tensor dx, Pool2dGeometry g);

    /// <summary>x[N,C,H,W] → y[N,C] (mean over H, W).</summary>
    Tensor GlobalAvgPoolForward(Tensor x);

    /// <summary>dx[N,C,H,W] += dy[N,C] / (H·W).</summary>
    void GlobalAvgPoolBackward(Tensor dy, Tensor dx);

    // ---------------------------------------------------------------- batch norm (2-D, per channel)

    /// <summary>
    /// Training mode: normalises with the batch mean and biased variance, returns y, and the saved
    /// mean and 1/sqrt(var+eps) [C] for the backward pass; updates running statistics as PyTorch does
    /// (running = (1-momentum)·running + momentum·batch, running_var with the unbiased variance).
    /// </summary>
    Tensor BatchNormTrainForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, out Tensor saveMean, out Tensor saveInvStd);

    /// <summary>Inference mode: y = gamma · (x - running_mean) / sqrt(running_var + eps) + beta.</summary>
    Tensor BatchNormEvalForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps);

    /// <summary>Backward of the training-mode forward: dx += ..., dgamma += ..., dbeta += ....</summary>
    void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta);

    // ---------------------------------------------------------------- loss

    /// <summary>
    /// logits[N,K], labels[N] int32 → per-sample cross-entropy losses [N]; also returns the softmax
    /// probabilities [N,K]. With label smoothing ε the target is (1-ε)·onehot + ε/K.
    /// </summary>
    Tensor SoftmaxCrossEntropyForward(Tensor logits, Tensor labels, float labelSmoothing, out Tensor probs);

    /// <summary>dlogits += scale · (probs - target); scale is dLoss/dloss_i (1/N for a mean).</summary>
    void SoftmaxCrossEntropyBackward(Tensor probs, Tensor labels, float labelSmoothing, float scale, Tensor dlogits);

    // ---------------------------------------------------------------- optimizer

    /// <summary>
    /// One SGD step in place, PyTorch's rule: g = grad + wd·param; buf = momentum·buf + g;
    /// g = nesterov ? g + momentum·buf : buf; param -= lr·g. With momentum 0, <paramref name="momentumBuffer"/> may be null.
    /// </summary>
    void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParameters p);

    // ---------------------------------------------------------------- gather / scatter (pruning)

    /// <summary>Gathers entries <paramref name="indices"/> of dimension <paramref name="dim"/> into a new, smaller tensor (any dtype).</summary>
    Tensor IndexSelect(Tensor src, int dim, int[] indices);

    /// <summary>dst[..., indices[i], ...] += src[..., i, ...] along <paramref name="dim"/>: the backward of <see cref="IndexSelect"/>.</summary>
    void IndexAdd(Tensor dst, int dim, int[] indices, Tensor src);
}
