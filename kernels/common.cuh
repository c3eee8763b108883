// common.cuh — included first by every kernel file under kernels/.
// It must compile in two worlds:
//   * NVRTC (the real GPU): no host headers, builtin math;
//   * the g++ emulator (CUDAPRUNE_EMULATOR defined): kernels/emu/cuda_emu.h supplies CUDA's names.
#pragma once

#ifdef CUDAPRUNE_EMULATOR
#include "emu/cuda_emu.h"
#endif

// Every kernel is declared `KERNEL void name(args...)`: C linkage so the driver (cuModuleGetFunction)
// and the emulator's generated trampolines find it by its plain name. Names are unique across files.
#define KERNEL extern "C" __global__

// Dynamic shared memory, the one spelling both worlds accept:
//   DYNAMIC_SHARED(float, smem);   // declares `float* smem` = this block's dynamic shared memory
#ifdef CUDAPRUNE_EMULATOR
#define DYNAMIC_SHARED(T, name) T* name = reinterpret_cast<T*>(emu_dynamic_shared())
#else
#define DYNAMIC_SHARED(T, name) \
    extern __shared__ __align__(16) unsigned char name##_raw_[]; \
    T* name = reinterpret_cast<T*>(name##_raw_)
#endif

// Tensor-core (mma / wgmma) code is only compiled for the real GPU; the emulator skips such kernel
// versions and says so.
#ifdef CUDAPRUNE_EMULATOR
#define CUDAPRUNE_HAS_MMA 0
#else
#define CUDAPRUNE_HAS_MMA 1
#endif

#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

// A grid-stride loop over [0, n).
#define GRID_STRIDE_LOOP(i, n) \
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (long)(n); i += (long)blockDim.x * gridDim.x)

// NaN propagates as in PyTorch (relu(NaN) = NaN, max(NaN, x) = max(x, NaN) = NaN). fmaxf and a SIMD max
// return the non-NaN operand, and `x > 0 ? x : 0` turns NaN into 0: never use them on data; use these.
// CPU twin: NanMath (src/CudaPrune.Core/Backends/Cpu/NanMath.cs).
static __device__ __forceinline__ bool isNaN(float v) { return v != v; }
static __device__ __forceinline__ float nanMax(float a, float b) { return (a > b || isNaN(a)) ? a : b; }
// max(x, 0) with NaN kept; -0 and +0 give +0.
static __device__ __forceinline__ float nanRelu(float x) { return x <= 0.0f ? 0.0f : x; }
