// pooling.cu — max, average and global average pooling, forward and backward.
// Shapes: x, dx [N,C,H,W]; y, dy, argmax [N,C,OH,OW] with OH = (H + 2·P - K) / S + 1 (same for OW);
// a square K×K window, stride S, zero padding P (2·P ≤ K, so every window holds a real cell).
// A "plane" is one (n, c) image: planes = N·C, planes are contiguous. argmax is int32: the flat index
// ih·W + iw within the plane of the window's first maximum, or of its last NaN (PyTorch's rule
// `val > maxval || isnan(val)`: a NaN wins and y is NaN; padding never wins).
// Global average pooling: x, dx [N,C,H,W] → y, dy [N,C]; HW = H·W.
//
// Ops and versions (CPU twins: CpuReference.<Name>):
//   max_pool2d_forward_kernel1        one thread per output, loops over its window          MaxPool2dForward
//   max_pool2d_backward_kernel1       one thread per output: atomicAdd(dx[argmax], dy)      MaxPool2dBackward
//                                     (atomics because overlapping windows, K > S, may pick the same cell)
//   max_pool2d_backward_kernel2       one thread per input cell: sums dy of the windows that hold it and
//                                     picked it, one plain += — no atomics, deterministic
//   avg_pool2d_forward_kernel1        one thread per output; padded cells count in the divisor K²
//                                     (count_include_pad)                                   AvgPool2dForward
//   avg_pool2d_backward_kernel1       one thread per input cell, gathers dy/K² of its windows AvgPool2dBackward
//   global_avg_pool_forward_kernel1   one thread per plane, a sequential sum (uncoalesced)   GlobalAvgPoolForward
//   global_avg_pool_forward_kernel2   one warp per plane: lanes read consecutive cells (coalesced), then a
//                                     shuffle reduction
//   global_avg_pool_backward_kernel1  one thread per dx element: dx += dy[plane] / HW        GlobalAvgPoolBackward
//
// Launch: 1-D grid-stride loops, any block size that is a multiple of 32. Flat indices are 32-bit
// (GRID_STRIDE_LOOP_U32): x and y hold fewer than 2^31 elements.
// An argmax outside its plane (the forward never writes one) is skipped rather than written out of bounds.
#include "common.cuh"
#include "block_reduce.cuh"
#include "flat_loops.cuh"

// The first and last output rows (or columns) whose window covers input row i: the windows o with
// o·S - P ≤ i ≤ o·S - P + K - 1, clipped to [0, O).
static __device__ __forceinline__ int firstWindow(int i, int K, int S, int P) { return i + P < K ? 0 : (i + P - K) / S + 1; }
static __device__ __forceinline__ int lastWindow(int i, int S, int P, int O) { return min((i + P) / S, O - 1); }

// ---------------------------------------------------------------- max pooling

KERNEL void max_pool2d_forward_kernel1(float* __restrict__ y, int* __restrict__ argmax, const float* __restrict__ x,
                                       int N, int C, int H, int W, int K, int S, int P, int OH, int OW) {
    GRID_STRIDE_LOOP_U32(o, N * C * OH * OW) {
        const int ow = o % OW, oh = o / OW % OH, plane = o / (OW * OH);
        const float* xp = x + (long)plane * H * W;
        float best = 0.0f;
        int bestIndex = -1;
        for (int kh = 0; kh < K; kh++) {
            int ih = oh * S - P + kh;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < K; kw++) {
                int iw = ow * S - P + kw;
                if (iw < 0 || iw >= W) continue;
                float v = xp[ih * W + iw];
                if (bestIndex < 0 || v > best || isNaN(v)) {
                    best = v;
                    bestIndex = ih * W + iw;
                }
            }
        }
        y[o] = best;
        argmax[o] = bestIndex;
    }
}

KERNEL void max_pool2d_backward_kernel1(float* __restrict__ dx, const float* __restrict__ dy, const int* __restrict__ argmax,
                                        int planes, int HW, int OHW) {
    GRID_STRIDE_LOOP_U32(o, planes * OHW) {
        const int a = argmax[o];
        if ((unsigned)a < (unsigned)HW) atomicAdd(dx + (long)(o / OHW) * HW + a, dy[o]);
    }
}

KERNEL void max_pool2d_backward_kernel2(float* __restrict__ dx, const float* __restrict__ dy, const int* __restrict__ argmax,
                                        int N, int C, int H, int W, int K, int S, int P, int OH, int OW) {
    GRID_STRIDE_LOOP_U32(i, N * C * H * W) {
        const int iw = i % W, ih = i / W % H, plane = i / (W * H);
        const float* dyp = dy + (long)plane * OH * OW;
        const int* ap = argmax + (long)plane * OH * OW;
        const int self = ih * W + iw;
        float sum = 0.0f;
        for (int oh = firstWindow(ih, K, S, P); oh <= lastWindow(ih, S, P, OH); oh++)
            for (int ow = firstWindow(iw, K, S, P); ow <= lastWindow(iw, S, P, OW); ow++)
                if (ap[oh * OW + ow] == self) sum += dyp[oh * OW + ow];
        dx[i] += sum;
    }
}

// ---------------------------------------------------------------- average pooling

KERNEL void avg_pool2d_forward_kernel1(float* __restrict__ y, const float* __restrict__ x,
                                       int N, int C, int H, int W, int K, int S, int P, int OH, int OW) {
    GRID_STRIDE_LOOP_U32(o, N * C * OH * OW) {
        const int ow = o % OW, oh = o / OW % OH, plane = o / (OW * OH);
        const float* xp = x + (long)plane * H * W;
        float sum = 0.0f;
        for (int kh = 0; kh < K; kh++) {
            int ih = oh * S - P + kh;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < K; kw++) {
                int iw = ow * S - P + kw;
                if (iw >= 0 && iw < W) sum += xp[ih * W + iw];
            }
        }
        y[o] = sum / (float)(K * K);
    }
}

KERNEL void avg_pool2d_backward_kernel1(float* __restrict__ dx, const float* __restrict__ dy,
                                        int N, int C, int H, int W, int K, int S, int P, int OH, int OW) {
    GRID_STRIDE_LOOP_U32(i, N * C * H * W) {
        const int iw = i % W, ih = i / W % H, plane = i / (W * H);
        const float* dyp = dy + (long)plane * OH * OW;
        float sum = 0.0f;
        for (int oh = firstWindow(ih, K, S, P); oh <= lastWindow(ih, S, P, OH); oh++)
            for (int ow = firstWindow(iw, K, S, P); ow <= lastWindow(iw, S, P, OW); ow++)
                sum += dyp[oh * OW + ow];
        dx[i] += sum / (float)(K * K);
    }
}

// ---------------------------------------------------------------- global average pooling

KERNEL void global_avg_pool_forward_kernel1(float* __restrict__ y, const float* __restrict__ x, long planes, int HW) {
    GRID_STRIDE_LOOP(p, planes) {
        const float* xp = x + p * HW;
        float sum = 0.0f;
        for (int k = 0; k < HW; k++) sum += xp[k];
        y[p] = sum / (float)HW;
    }
}

KERNEL void global_avg_pool_forward_kernel2(float* __restrict__ y, const float* __restrict__ x, long planes, int HW) {
    const int lane = threadIdx.x % 32;
    const long warps = (long)gridDim.x * blockDim.x / 32;
    // The loop condition is the same for the 32 lanes of a warp, so every lane reaches the shuffles.
    for (long p = ((long)blockIdx.x * blockDim.x + threadIdx.x) / 32; p < planes; p += warps) {
        const float* xp = x + p * HW;
        float sum = 0.0f;
        for (int k = lane; k < HW; k += 32) sum += xp[k];
        sum = warpReduceSum(sum);
        if (lane == 0) y[p] = sum / (float)HW;
    }
}

KERNEL void global_avg_pool_backward_kernel1(float* __restrict__ dx, const float* __restrict__ dy, int HW, int n) {
    GRID_STRIDE_LOOP_U32(i, n) {
        dx[i] += dy[i / HW] / (float)HW;
    }
}
