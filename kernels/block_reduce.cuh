// block_reduce.cuh — sums and maxima over a warp and over a block, with warp shuffles.
// Include after common.cuh. A block reduction needs blockDim.x to be a multiple of 32 (every lane of
// every warp takes part in the shuffles) and must be reached by every thread of the block.
#pragma once

#define FULL_WARP_MASK 0xffffffffu

// Butterfly reduction: after log2(32) xor-shuffles every lane holds the warp's total.
static __device__ __forceinline__ float warpReduceSum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(FULL_WARP_MASK, v, offset);
    return v;
}

static __device__ __forceinline__ float warpReduceMax(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v = nanMax(v, __shfl_xor_sync(FULL_WARP_MASK, v, offset));
    return v;
}

// The sum of v over the block, returned to every thread. Two levels: each warp reduces with shuffles
// and its lane 0 writes one partial to `scratch` (32 floats of __shared__ memory), then every warp
// reduces the partials again. The first barrier lets consecutive calls reuse the same scratch.
static __device__ __forceinline__ float blockReduceSum(float v, float* scratch) {
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    v = warpReduceSum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    return warpReduceSum(lane < warps ? scratch[lane] : 0.0f);
}
