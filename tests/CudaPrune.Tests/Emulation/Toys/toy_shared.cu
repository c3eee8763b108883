// Toy kernels for the emulator's own tests: dynamic shared memory, and out-of-bounds shared accesses
// that the emulator must catch (the AddressSanitizer runner for static arrays, a canary check for
// dynamic shared memory).
#include "common.cuh"

// Each block reverses its slice of inp through dynamic shared memory (blockDim.x floats);
// aligned[b] = 1 if the dynamic shared memory is 16-byte aligned.
KERNEL void toy_reverse_dynamic(float* out, int* aligned, const float* inp) {
    DYNAMIC_SHARED(float, smem);
    int t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    smem[t] = inp[i];
    __syncthreads();
    out[i] = smem[blockDim.x - 1 - t];
    if (t == 0) aligned[blockIdx.x] = ((unsigned long)smem % 16) == 0;
}

// out[t] = inp[t] through a static shared tile of 32 floats; blocks of up to 32 threads.
KERNEL void toy_static_copy(float* out, const float* inp) {
    __shared__ float tile[32];
    int t = threadIdx.x;
    tile[t] = inp[t];
    __syncthreads();
    out[t] = tile[t];
}

// BROKEN: writes tile[t + 1], one past the end for the last thread.
KERNEL void toy_static_oob(float* out, const float* inp) {
    __shared__ float tile[32];
    int t = threadIdx.x;
    tile[t + 1] = inp[t];
    __syncthreads();
    out[t] = tile[t];
}

// BROKEN: writes one float past the blockDim.x floats of dynamic shared memory it is given.
KERNEL void toy_dynamic_overflow(float* out, const float* inp) {
    DYNAMIC_SHARED(float, smem);
    int t = threadIdx.x;
    smem[t + 1] = inp[t];
    __syncthreads();
    out[t] = smem[t];
}

// 40 KiB of static shared memory: with more than 8 KiB of dynamic memory a block exceeds 48 KiB.
KERNEL void toy_big_static(float* out) {
    __shared__ float big[10240];
    big[threadIdx.x] = 1.0f;
    __syncthreads();
    out[threadIdx.x] = big[(threadIdx.x + 1) % blockDim.x];
}

// Declares at most 64 threads per block.
KERNEL void __launch_bounds__(64) toy_bounded(float* out) { out[threadIdx.x] = 1.0f; }
