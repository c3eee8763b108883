// Toy kernels for the emulator's own tests (never compiled by NVRTC: they live under tests/).
// Block reductions and neighbour exchanges through shared memory: correct ones, and one that is
// missing a __syncthreads, which the emulator must expose.
// n = elements; blocks of TOY_BLOCK threads; out[b] = sum of block b's elements.
#include "common.cuh"

#define TOY_BLOCK 256

KERNEL void toy_block_sum(float* out, const float* inp, int n) {
    __shared__ float tile[TOY_BLOCK];
    int t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    tile[t] = i < n ? inp[i] : 0.0f;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) tile[t] += tile[t + s];
        __syncthreads();
    }
    if (t == 0) out[blockIdx.x] = tile[0];
}

// BROKEN: no barrier between filling the tile and the first reduction step, so a thread may add a
// slot that its owner has not written yet.
KERNEL void toy_block_sum_missing_sync(float* out, const float* inp, int n) {
    __shared__ float tile[TOY_BLOCK];
    int t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    tile[t] = i < n ? inp[i] : 0.0f;
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) tile[t] += tile[t + s];
        __syncthreads();
    }
    if (t == 0) out[blockIdx.x] = tile[0];
}

// out[i] = inp of the next thread in the block (row-major over a 2-D block), through shared memory.
KERNEL void toy_rotate_2d(float* out, const float* inp) {
    __shared__ float tile[TOY_BLOCK];
    int threads = blockDim.x * blockDim.y;
    int t = threadIdx.y * blockDim.x + threadIdx.x;
    int i = blockIdx.x * threads + t;
    tile[t] = inp[i];
    __syncthreads();
    out[i] = tile[(t + 1) % threads];
}

// Every thread writes its coordinates: out[4 * global] = (thread linear, block linear, blockDim total, gridDim total).
KERNEL void toy_indices(int* out) {
    int threads = blockDim.x * blockDim.y * blockDim.z;
    int t = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    int b = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
    int g = b * threads + t;
    out[4 * g + 0] = t;
    out[4 * g + 1] = b;
    out[4 * g + 2] = threads;
    out[4 * g + 3] = gridDim.x * gridDim.y * gridDim.z;
}

// out[b] = number of threads of block b with inp > 0, by __syncthreads_count; flags[b] = and / or.
KERNEL void toy_barrier_votes(int* out, int* flags, const float* inp) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int p = inp[i] > 0.0f;
    int count = __syncthreads_count(p);
    int all = __syncthreads_and(p);
    int any = __syncthreads_or(p);
    if (threadIdx.x == 0) {
        out[blockIdx.x] = count;
        flags[2 * blockIdx.x] = all;
        flags[2 * blockIdx.x + 1] = any;
    }
}
