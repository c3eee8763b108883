// batchnorm.cu — 2-D batch normalisation (per channel): training forward with the running-statistics
// update, inference forward, and the backward of the training forward.
// Shapes: x, y, dy, dx [N,C,H,W], HW = H·W; gamma, beta, dgamma, dbeta, running and saved statistics [C].
// Channel c holds M = N·HW values: m = n·HW + p is x[((n·C + c)·HW + p] (runs of HW contiguous floats).
//
// Math (CPU twins: CpuReference.<Name>):
//   train forward   mean = Σx / M, var = Σ(x - mean)² / M (biased), invStd = 1 / sqrt(var + eps),
//                   y = gamma · (x - mean) · invStd + beta; saves mean and invStd;
//                   running_mean = (1 - momentum)·running_mean + momentum·mean,
//                   running_var  = (1 - momentum)·running_var  + momentum·var·M/(M - 1)  (unbiased)
//                                                                        BatchNormTrainForward
//   eval forward    y = gamma · (x - running_mean) / sqrt(running_var + eps) + beta   BatchNormEvalForward
//   backward        x̂ = (x - mean)·invStd; dbeta += Σdy; dgamma += Σdy·x̂;
//                   dx += gamma·invStd·(dy - Σdy/M - x̂·Σdy·x̂/M)              BatchNormBackward
// The variance is two-pass (squares of deviations from the mean), never E[x²] - mean², which cancels.
//
// Versions:
//   batch_norm_train_forward_kernel1   one block per channel, grid (C): a pass for the sum, a pass for the
//                                      squared deviations (each a two-level shuffle/shared reduction), a
//                                      pass writing y. Only C blocks: too few to fill a large GPU when C
//                                      is small and N·HW large (resnet20's 16 channels at batch 256).
//   batch_norm_train_forward_kernel2   the channel split into `chunks` slices of chunkLen values, grid
//                                      (chunks, C), two launches:
//     batch_norm_train_forward_partial_kernel2  per slice: its mean and M2 = Σ(x - slice mean)² → partials
//     batch_norm_train_forward_kernel2          every block merges its channel's partials exactly
//                                      (mean = Σ n_j·mean_j / M, M2 = Σ M2_j + n_j·(mean_j - mean)²), then
//                                      normalises its own slice; block 0 writes the statistics.
//   batch_norm_eval_forward_kernel1    one thread per element, grid-stride.
//   batch_norm_backward_kernel1        one block per channel: the two sums, then dx.
//   batch_norm_backward_kernel2        sliced as the forward, two launches:
//     batch_norm_backward_partial_kernel2  per slice: Σdy and Σdy·x̂ → partials
//     batch_norm_backward_kernel2          every block adds its channel's partials, block 0 updates
//                                      dgamma and dbeta, every block writes dx for its slice.
//   partials: [C, chunks, 2] floats.
//
// Launch: block sizes that are multiples of 32. Indices are 32-bit: x holds fewer than 2^31 elements.
#include "common.cuh"
#include "block_reduce.cuh"
#include "flat_loops.cuh"

// Offset in x of value m of channel c.
static __device__ __forceinline__ long channelOffset(int m, int c, int C, int HW) {
    int n = m / HW;
    return ((long)n * C + c) * HW + (m - n * HW);
}

static __device__ __forceinline__ void writeStatistics(float* saveMean, float* saveInvStd, float* runningMean, float* runningVar,
                                                       int c, float mean, float var, float invStd, int M, float momentum) {
    saveMean[c] = mean;
    saveInvStd[c] = invStd;
    runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean;
    runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * var * ((float)M / (float)(M - 1));
}

// The values [begin, end) of channel c of a block's slice: y = (x - mean)·scale + shift.
static __device__ __forceinline__ void normalize(float* y, const float* x, int c, int C, int HW, int begin, int end,
                                                 float mean, float scale, float shift) {
    for (int m = begin + threadIdx.x; m < end; m += blockDim.x) {
        long i = channelOffset(m, c, C, HW);
        y[i] = (x[i] - mean) * scale + shift;
    }
}

// dx over [begin, end) of channel c: dx += k·(dy - meanDy - x̂·meanDyXhat), k = gamma·invStd.
static __device__ __forceinline__ void accumulateDx(float* dx, const float* dy, const float* x, int c, int C, int HW, int begin, int end,
                                                    float mean, float invStd, float k, float meanDy, float meanDyXhat) {
    for (int m = begin + threadIdx.x; m < end; m += blockDim.x) {
        long i = channelOffset(m, c, C, HW);
        float xhat = (x[i] - mean) * invStd;
        dx[i] += k * (dy[i] - meanDy - xhat * meanDyXhat);
    }
}

// ---------------------------------------------------------------- training forward

KERNEL void batch_norm_train_forward_kernel1(float* __restrict__ y, float* __restrict__ saveMean, float* __restrict__ saveInvStd,
                                             float* __restrict__ runningMean, float* __restrict__ runningVar,
                                             const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                             int N, int C, int HW, float momentum, float eps) {
    __shared__ float scratch[32];
    const int c = blockIdx.x, M = N * HW;
    float sum = 0.0f;
    for (int m = threadIdx.x; m < M; m += blockDim.x) sum += x[channelOffset(m, c, C, HW)];
    const float mean = blockReduceSum(sum, scratch) / (float)M;
    float squares = 0.0f;
    for (int m = threadIdx.x; m < M; m += blockDim.x) {
        float d = x[channelOffset(m, c, C, HW)] - mean;
        squares += d * d;
    }
    const float var = blockReduceSum(squares, scratch) / (float)M;
    const float invStd = 1.0f / sqrtf(var + eps);
    if (threadIdx.x == 0) writeStatistics(saveMean, saveInvStd, runningMean, runningVar, c, mean, var, invStd, M, momentum);
    normalize(y, x, c, C, HW, 0, M, mean, gamma[c] * invStd, beta[c]);
}

KERNEL void batch_norm_train_forward_partial_kernel2(float* __restrict__ partials, const float* __restrict__ x,
                                                     int N, int C, int HW, int chunkLen) {
    __shared__ float scratch[32];
    const int c = blockIdx.y, j = blockIdx.x, M = N * HW;
    const int begin = j * chunkLen, end = min(M, begin + chunkLen);
    float sum = 0.0f;
    for (int m = begin + threadIdx.x; m < end; m += blockDim.x) sum += x[channelOffset(m, c, C, HW)];
    const float mean = blockReduceSum(sum, scratch) / (float)(end - begin);
    float squares = 0.0f;
    for (int m = begin + threadIdx.x; m < end; m += blockDim.x) {
        float d = x[channelOffset(m, c, C, HW)] - mean;
        squares += d * d;
    }
    squares = blockReduceSum(squares, scratch);
    if (threadIdx.x == 0) {
        partials[2 * ((long)c * gridDim.x + j)] = mean;
        partials[2 * ((long)c * gridDim.x + j) + 1] = squares;
    }
}

KERNEL void batch_norm_train_forward_kernel2(float* __restrict__ y, float* __restrict__ saveMean, float* __restrict__ saveInvStd,
                                             float* __restrict__ runningMean, float* __restrict__ runningVar,
                                             const float* __restrict__ partials, const float* __restrict__ x,
                                             const float* __restrict__ gamma, const float* __restrict__ beta,
                                             int N, int C, int HW, int chunkLen, float momentum, float eps) {
    __shared__ float scratch[32];
    const int c = blockIdx.y, j = blockIdx.x, chunks = gridDim.x, M = N * HW;
    const float* pc = partials + 2L * c * chunks;
    float weighted = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += blockDim.x) weighted += (float)(min(M, (k + 1) * chunkLen) - k * chunkLen) * pc[2 * k];
    const float mean = blockReduceSum(weighted, scratch) / (float)M;
    float m2 = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += blockDim.x) {
        float d = pc[2 * k] - mean;
        m2 += pc[2 * k + 1] + (float)(min(M, (k + 1) * chunkLen) - k * chunkLen) * d * d;
    }
    const float var = blockReduceSum(m2, scratch) / (float)M;
    const float invStd = 1.0f / sqrtf(var + eps);
    if (j == 0 && threadIdx.x == 0) writeStatistics(saveMean, saveInvStd, runningMean, runningVar, c, mean, var, invStd, M, momentum);
    normalize(y, x, c, C, HW, j * chunkLen, min(M, (j + 1) * chunkLen), mean, gamma[c] * invStd, beta[c]);
}

// ---------------------------------------------------------------- inference forward

KERNEL void batch_norm_eval_forward_kernel1(float* __restrict__ y, const float* __restrict__ x,
                                            const float* __restrict__ gamma, const float* __restrict__ beta,
                                            const float* __restrict__ runningMean, const float* __restrict__ runningVar,
                                            int C, int HW, float eps, int n) {
    GRID_STRIDE_LOOP_U32(i, n) {
        const int c = i / HW % C;
        y[i] = (x[i] - runningMean[c]) * (gamma[c] / sqrtf(runningVar[c] + eps)) + beta[c];
    }
}

// ---------------------------------------------------------------- backward

KERNEL void batch_norm_backward_kernel1(float* __restrict__ dx, float* __restrict__ dgamma, float* __restrict__ dbeta,
                                        const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ gamma,
                                        const float* __restrict__ saveMean, const float* __restrict__ saveInvStd,
                                        int N, int C, int HW) {
    __shared__ float scratch[32];
    const int c = blockIdx.x, M = N * HW;
    const float mean = saveMean[c], invStd = saveInvStd[c];
    float sumDy = 0.0f, sumDyXhat = 0.0f;
    for (int m = threadIdx.x; m < M; m += blockDim.x) {
        long i = channelOffset(m, c, C, HW);
        sumDy += dy[i];
        sumDyXhat += dy[i] * (x[i] - mean) * invStd;
    }
    sumDy = blockReduceSum(sumDy, scratch);
    sumDyXhat = blockReduceSum(sumDyXhat, scratch);
    if (threadIdx.x == 0) {
        dbeta[c] += sumDy;
        dgamma[c] += sumDyXhat;
    }
    accumulateDx(dx, dy, x, c, C, HW, 0, M, mean, invStd, gamma[c] * invStd, sumDy / (float)M, sumDyXhat / (float)M);
}

KERNEL void batch_norm_backward_partial_kernel2(float* __restrict__ partials, const float* __restrict__ dy, const float* __restrict__ x,
                                                const float* __restrict__ saveMean, const float* __restrict__ saveInvStd,
                                                int N, int C, int HW, int chunkLen) {
    __shared__ float scratch[32];
    const int c = blockIdx.y, j = blockIdx.x, M = N * HW;
    const int begin = j * chunkLen, end = min(M, begin + chunkLen);
    const float mean = saveMean[c], invStd = saveInvStd[c];
    float sumDy = 0.0f, sumDyXhat = 0.0f;
    for (int m = begin + threadIdx.x; m < end; m += blockDim.x) {
        long i = channelOffset(m, c, C, HW);
        sumDy += dy[i];
        sumDyXhat += dy[i] * (x[i] - mean) * invStd;
    }
    sumDy = blockReduceSum(sumDy, scratch);
    sumDyXhat = blockReduceSum(sumDyXhat, scratch);
    if (threadIdx.x == 0) {
        partials[2 * ((long)c * gridDim.x + j)] = sumDy;
        partials[2 * ((long)c * gridDim.x + j) + 1] = sumDyXhat;
    }
}

KERNEL void batch_norm_backward_kernel2(float* __restrict__ dx, float* __restrict__ dgamma, float* __restrict__ dbeta,
                                        const float* __restrict__ partials, const float* __restrict__ dy, const float* __restrict__ x,
                                        const float* __restrict__ gamma, const float* __restrict__ saveMean, const float* __restrict__ saveInvStd,
                                        int N, int C, int HW, int chunkLen) {
    __shared__ float scratch[32];
    const int c = blockIdx.y, j = blockIdx.x, chunks = gridDim.x, M = N * HW;
    const float* pc = partials + 2L * c * chunks;
    float sumDy = 0.0f, sumDyXhat = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += blockDim.x) {
        sumDy += pc[2 * k];
        sumDyXhat += pc[2 * k + 1];
    }
    sumDy = blockReduceSum(sumDy, scratch);
    sumDyXhat = blockReduceSum(sumDyXhat, scratch);
    if (j == 0 && threadIdx.x == 0) {
        dbeta[c] += sumDy;
        dgamma[c] += sumDyXhat;
    }
    const float invStd = saveInvStd[c];
    accumulateDx(dx, dy, x, c, C, HW, j * chunkLen, min(M, (j + 1) * chunkLen), saveMean[c], invStd, gamma[c] * invStd,
                 sumDy / (float)M, sumDyXhat / (float)M);
}
