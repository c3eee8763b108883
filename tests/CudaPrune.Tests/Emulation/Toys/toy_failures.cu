// Toy kernels for the emulator's own tests: kernels that must fail loudly under the emulator.
#include "common.cuh"

// BROKEN: half of warp 0 waits at __syncthreads, the other half at __syncwarp: neither can finish.
KERNEL void toy_deadlock(float* out) {
    if (threadIdx.x < 16) __syncthreads();
    else __syncwarp();
    out[threadIdx.x] = 1.0f;
}

KERNEL void toy_trap(float* out, int trap) {
    if (trap && threadIdx.x == 3) __trap();
    out[threadIdx.x] = 1.0f;
}

// BROKEN: the mask names lane 0 only, but every lane calls the shuffle.
KERNEL void toy_mask_excludes_caller(float* out) {
    out[threadIdx.x] = __shfl_sync(0x1u, (float)threadIdx.x, 0);
}
