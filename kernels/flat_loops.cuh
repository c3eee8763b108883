// flat_loops.cuh — grid-stride loops and float4 access over flat arrays. Include after common.cuh.

// A grid-stride loop with an unsigned 32-bit index, for kernels that split a flat index into
// coordinates: 32-bit division and remainder take a few instructions on the GPU, 64-bit ones a long
// software routine. Needs n < 2^31 (the backend checks it), so that i + stride never wraps.
#define GRID_STRIDE_LOOP_U32(i, n) \
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)(n); i += blockDim.x * gridDim.x)

// float4 loads and stores: the arrays must start 16-byte aligned, as every tensor does (device blocks
// are 256-byte aligned and a tensor starts at its block).
static __device__ __forceinline__ float4 load4(const float* p, long i) { return reinterpret_cast<const float4*>(p)[i]; }
static __device__ __forceinline__ void store4(float* p, long i, float4 v) { reinterpret_cast<float4*>(p)[i] = v; }

// The elements a float4 grid-stride loop over n / 4 vectors leaves: [4·(n/4), n), one per thread of
// the first threads of the grid.
#define TAIL_LOOP(i, n) \
    for (long i = 4 * ((long)(n) / 4) + (long)blockIdx.x * blockDim.x + threadIdx.x; i < (long)(n); i += (long)blockDim.x * gridDim.x)
