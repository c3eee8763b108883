// vectorized.cuh — float4 access for flat arrays, and the scalar tail loop that follows a float4 loop.
// Include after common.cuh. The arrays must start 16-byte aligned (every tensor does: device blocks are
// 256-byte aligned and a tensor starts at its block).
#pragma once

static __device__ __forceinline__ float4 load4(const float* p, long i) { return reinterpret_cast<const float4*>(p)[i]; }
static __device__ __forceinline__ void store4(float* p, long i, float4 v) { reinterpret_cast<float4*>(p)[i] = v; }

// The elements a float4 grid-stride loop over n / 4 vectors leaves: [4·(n/4), n), one per thread of
// the first threads of the grid.
#define TAIL_LOOP(i, n) \
    for (long i = 4 * ((long)(n) / 4) + (long)blockIdx.x * blockDim.x + threadIdx.x; i < (long)(n); i += (long)blockDim.x * gridDim.x)
