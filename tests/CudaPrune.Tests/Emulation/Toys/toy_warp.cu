// Toy kernels for the emulator's own tests: warp shuffles and votes, correct and broken.
// out[w] = sum over warp w's lanes of inp (lanes past n contribute 0).
#include "common.cuh"

#define FULL_MASK 0xffffffffu

KERNEL void toy_warp_sum(float* out, const float* inp, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = i < n ? inp[i] : 0.0f;
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(FULL_MASK, v, offset);
    if ((threadIdx.x & 31) == 0) out[i / 32] = v;
}

// BROKEN: the offsets stop at 2, so lane 0 ends with the sum of the even lanes only.
KERNEL void toy_warp_sum_wrong_offsets(float* out, const float* inp, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = i < n ? inp[i] : 0.0f;
    for (int offset = 16; offset > 1; offset >>= 1) v += __shfl_down_sync(FULL_MASK, v, offset);
    if ((threadIdx.x & 31) == 0) out[i / 32] = v;
}

// BROKEN: lanes past n return before the full-mask shuffle, whose result from them is undefined.
KERNEL void toy_warp_sum_early_exit(float* out, const float* inp, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = inp[i];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(FULL_MASK, v, offset);
    if ((threadIdx.x & 31) == 0) out[i / 32] = v;
}

// out[i] = the value lane i receives from one shuffle. kind: 0 idx, 1 up, 2 down, 3 xor.
KERNEL void toy_shuffle(float* out, const float* inp, int kind, int arg, int width) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = inp[i];
    float r;
    if (kind == 0) r = __shfl_sync(FULL_MASK, v, arg, width);
    else if (kind == 1) r = __shfl_up_sync(FULL_MASK, v, (unsigned)arg, width);
    else if (kind == 2) r = __shfl_down_sync(FULL_MASK, v, (unsigned)arg, width);
    else r = __shfl_xor_sync(FULL_MASK, v, arg, width);
    out[i] = r;
}

// out[3i..3i+2] = ballot, any, all of (inp > 0) over lane i's warp.
KERNEL void toy_votes(unsigned* out, const float* inp) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int p = inp[i] > 0.0f;
    out[3 * i + 0] = __ballot_sync(FULL_MASK, p);
    out[3 * i + 1] = __any_sync(FULL_MASK, p);
    out[3 * i + 2] = __all_sync(FULL_MASK, p);
}
