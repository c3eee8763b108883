// loss.cu — softmax cross-entropy with label smoothing, forward and backward.
// Shapes: logits, probs, dlogits [N,K]; labels [N] int32 in [0, K); losses [N].
// Smoothing ε: target[n,k] = (1 - ε)·[k = label_n] + ε/K, so Σ_k target = 1 and
//   loss_n = -Σ_k target_k·log p_k = log Σ_k exp(z_k - max) - Σ_k target_k·(z_k - max)
// with max = max_k z_k subtracted first: no exp overflows, however large the logits (numerically stable).
//
// Ops and versions (CPU twins: CpuReference.<Name>):
//   softmax_cross_entropy_forward_kernel1   one thread per sample, loops over the K classes
//                                                                        SoftmaxCrossEntropyForward
//   softmax_cross_entropy_forward_kernel2   one warp per sample: lanes read consecutive classes
//                                           (coalesced), max and sums by shuffle reductions
//   softmax_cross_entropy_backward_kernel1  one thread per logit: dlogits += scale·(p - target)
//                                                                        SoftmaxCrossEntropyBackward
//
// A label outside [0, K) (the host cannot check labels on the device without waiting) gives NaN for
// that sample's loss, probabilities and gradients, so the error shows in the loss instead of passing.
// Launch: 1-D grid-stride loops; block sizes that are multiples of 32.
#include "common.cuh"
#include "block_reduce.cuh"
#include "flat_loops.cuh"

static __device__ __forceinline__ float quietNaN() { return __int_as_float(0x7fc00000); }

static __device__ __forceinline__ bool validLabel(int label, int K) { return (unsigned)label < (unsigned)K; }

static __device__ __forceinline__ float smoothedTarget(int k, int label, float smoothing, int K) {
    return (k == label ? 1.0f - smoothing : 0.0f) + smoothing / (float)K;
}

// ---------------------------------------------------------------- forward

KERNEL void softmax_cross_entropy_forward_kernel1(float* __restrict__ losses, float* __restrict__ probs,
                                                  const float* __restrict__ logits, const int* __restrict__ labels,
                                                  int N, int K, float smoothing) {
    GRID_STRIDE_LOOP(n, N) {
        const float* z = logits + n * K;
        float* p = probs + n * K;
        const int label = labels[n];
        if (!validLabel(label, K)) {
            losses[n] = quietNaN();
            for (int k = 0; k < K; k++) p[k] = quietNaN();
            continue;
        }
        float max = z[0];
        for (int k = 1; k < K; k++) max = nanMax(max, z[k]);
        float sumExp = 0.0f, sumShifted = 0.0f;
        for (int k = 0; k < K; k++) {
            sumExp += expf(z[k] - max);
            sumShifted += z[k] - max;
        }
        const float logSumExp = logf(sumExp);
        for (int k = 0; k < K; k++) p[k] = expf(z[k] - max - logSumExp);
        losses[n] = logSumExp - (1.0f - smoothing) * (z[label] - max) - smoothing / (float)K * sumShifted;
    }
}

KERNEL void softmax_cross_entropy_forward_kernel2(float* __restrict__ losses, float* __restrict__ probs,
                                                  const float* __restrict__ logits, const int* __restrict__ labels,
                                                  int N, int K, float smoothing) {
    const int lane = threadIdx.x % 32;
    const long warps = (long)gridDim.x * blockDim.x / 32;
    // n is the same for the 32 lanes of a warp, so every lane reaches the shuffles.
    for (long n = ((long)blockIdx.x * blockDim.x + threadIdx.x) / 32; n < N; n += warps) {
        const float* z = logits + n * K;
        float* p = probs + n * K;
        const int label = labels[n];
        if (!validLabel(label, K)) {
            for (int k = lane; k < K; k += 32) p[k] = quietNaN();
            if (lane == 0) losses[n] = quietNaN();
            continue;
        }
        float max = z[0];
        for (int k = lane; k < K; k += 32) max = nanMax(max, z[k]);
        max = warpReduceMax(max);
        float sumExp = 0.0f, sumShifted = 0.0f;
        for (int k = lane; k < K; k += 32) {
            sumExp += expf(z[k] - max);
            sumShifted += z[k] - max;
        }
        const float logSumExp = logf(warpReduceSum(sumExp));
        sumShifted = warpReduceSum(sumShifted);
        for (int k = lane; k < K; k += 32) p[k] = expf(z[k] - max - logSumExp);
        if (lane == 0) losses[n] = logSumExp - (1.0f - smoothing) * (z[label] - max) - smoothing / (float)K * sumShifted;
    }
}

// ---------------------------------------------------------------- backward

KERNEL void softmax_cross_entropy_backward_kernel1(float* __restrict__ dlogits, const float* __restrict__ probs,
                                                   const int* __restrict__ labels, int N, int K, float smoothing, float scale) {
    GRID_STRIDE_LOOP_U32(i, N * K) {
        const int label = labels[i / K], k = i % K;
        dlogits[i] += validLabel(label, K) ? scale * (probs[i] - smoothedTarget(k, label, smoothing, K)) : quietNaN();
    }
}
