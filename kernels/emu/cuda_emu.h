// cuda_emu.h — CUDA's device-side names for g++, so that the very same kernels/*.cu compile as C++
// and run on the CPU (the emulator; docs/EMULATOR.md). common.cuh includes it when CUDAPRUNE_EMULATOR
// is defined; kernels never include it themselves.
//
// Model: every CUDA thread of a block is a fiber on one worker thread; blocks are spread over a fixed
// pool of worker threads. A thread finds itself (threadIdx, blockIdx, ...) from its stack pointer
// (device_types.h). __syncthreads() and the warp collectives are real synchronisation points
// between those fibers (emu/block_scheduler.cpp). Static __shared__ variables are per-worker storage
// (thread_local), which is exactly "per block" because a worker runs one block at a time.
//
// Only what NVRTC also offers is defined here: a kernel that compiles under the emulator must compile
// for the GPU too (CI compiles every file with NVRTC as well).
#pragma once

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "device_types.h"

// ---- qualifiers -----------------------------------------------------------------------------------
#define __host__
#define __device__
#define __constant__
#define __forceinline__ inline __attribute__((always_inline))
#define __align__(n) __attribute__((aligned(n)))
// __restrict__ is a g++ keyword already.

#ifdef CUDAPRUNE_EMU_SCAN
// The build's declaration scan (g++ -E) looks for these markers to list the kernels and their launch
// bounds; they never reach the compiler.
#define __global__ __cudaprune_kernel__
#define __launch_bounds__(...) __cudaprune_launch_bounds__(__VA_ARGS__)
#else
#define __global__
#define __launch_bounds__(...)
#endif

#ifdef CUDAPRUNE_EMU_ASAN
// The AddressSanitizer build runs blocks one after another on one thread, so plain statics are
// per-block storage there, and ASan puts redzones around them (it ignores thread_local objects).
#define __shared__ static
#else
#define __shared__ static thread_local
#endif

// Read-only views: a kernel that assigns to threadIdx fails to compile, as under NVRTC.
#define threadIdx (static_cast<const uint3&>(::emu::self().threadIdx))
#define blockIdx (static_cast<const uint3&>(::emu::self().block->blockIdx))
#define blockDim (static_cast<const uint3&>(::emu::self().block->blockDim))
#define gridDim (static_cast<const uint3&>(::emu::self().block->gridDim))
static constexpr int warpSize = 32;

// Used by DYNAMIC_SHARED (common.cuh): this block's dynamic shared memory, 16-byte aligned.
inline unsigned char* emu_dynamic_shared() { return ::emu::self().block->dynamicShared; }

inline void __syncthreads() { emu::syncthreads(); }
inline int __syncthreads_count(int p) { return (int)emu::syncthreadsTally(p).yes; }
inline int __syncthreads_and(int p) {
    emu::Tally t = emu::syncthreadsTally(p);
    return t.yes == t.met;
}
inline int __syncthreads_or(int p) { return emu::syncthreadsTally(p).yes != 0; }
inline void __syncwarp(unsigned mask = 0xffffffffu) { emu::warpVote(mask, 1, emu::WarpOp::SyncWarp); }

template <class T> inline T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize) {
    return emu::shuffle(mask, var, emu::WarpOp::ShflIdx, srcLane, width);
}
template <class T> inline T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
    return emu::shuffle(mask, var, emu::WarpOp::ShflUp, (int)delta, width);
}
template <class T> inline T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
    return emu::shuffle(mask, var, emu::WarpOp::ShflDown, (int)delta, width);
}
template <class T> inline T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize) {
    return emu::shuffle(mask, var, emu::WarpOp::ShflXor, laneMask, width);
}
inline unsigned __ballot_sync(unsigned mask, int predicate) { return emu::warpVote(mask, predicate, emu::WarpOp::Vote).yes; }
inline int __any_sync(unsigned mask, int predicate) { return emu::warpVote(mask, predicate, emu::WarpOp::Vote).yes != 0; }
inline int __all_sync(unsigned mask, int predicate) {
    emu::Tally t = emu::warpVote(mask, predicate, emu::WarpOp::Vote);
    return t.yes == t.met;
}
inline unsigned __activemask() { return emu::activeMask(); }

inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
[[noreturn]] inline void __trap() { emu::trap(); }

// ---- atomics: blocks run concurrently on the worker threads, so these are real atomics ------------
// (GCC's __atomic builtins rather than <atomic>, which would double the compile time of every kernel file.)
#define EMU_ATOMIC_INT(T)                                                                                     \
    inline T atomicAdd(T* p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }                     \
    inline T atomicSub(T* p, T v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }                     \
    inline T atomicAnd(T* p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }                     \
    inline T atomicOr(T* p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }                       \
    inline T atomicXor(T* p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_RELAXED); }                     \
    inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }                   \
    inline T atomicCAS(T* p, T expected, T desired) {                                                         \
        __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);        \
        return expected;                                                                                      \
    }                                                                                                         \
    inline T atomicMax(T* p, T v) {                                                                           \
        T old = __atomic_load_n(p, __ATOMIC_RELAXED);                                                         \
        while (old < v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) \
            ;                                                                                                 \
        return old;                                                                                           \
    }                                                                                                         \
    inline T atomicMin(T* p, T v) {                                                                           \
        T old = __atomic_load_n(p, __ATOMIC_RELAXED);                                                         \
        while (v < old && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) \
            ;                                                                                                 \
        return old;                                                                                           \
    }
EMU_ATOMIC_INT(int)
EMU_ATOMIC_INT(unsigned)
EMU_ATOMIC_INT(unsigned long long)
#undef EMU_ATOMIC_INT

// Floating-point atomics: a compare-and-swap loop on the bits.
#define EMU_ATOMIC_FLOAT(T, Bits)                                                                             \
    inline T atomicAdd(T* p, T v) {                                                                           \
        Bits* bits = reinterpret_cast<Bits*>(p);                                                              \
        Bits old = __atomic_load_n(bits, __ATOMIC_RELAXED);                                                   \
        while (!__atomic_compare_exchange_n(bits, &old, emu::toBitsOf<Bits>(emu::fromBits<T>(old) + v), true, \
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED))                              \
            ;                                                                                                 \
        return emu::fromBits<T>(old);                                                                         \
    }                                                                                                         \
    inline T atomicExch(T* p, T v) {                                                                          \
        return emu::fromBits<T>(__atomic_exchange_n(reinterpret_cast<Bits*>(p), emu::toBitsOf<Bits>(v), __ATOMIC_RELAXED)); \
    }
EMU_ATOMIC_FLOAT(float, unsigned)
EMU_ATOMIC_FLOAT(double, unsigned long long)
#undef EMU_ATOMIC_FLOAT

// ---- loads and stores with cache hints: plain accesses on the CPU ----------------------------------
template <class T> inline T __ldg(const T* p) { return *p; }
template <class T> inline T __ldcg(const T* p) { return *p; }
template <class T> inline T __ldcs(const T* p) { return *p; }
template <class T> inline void __stcg(T* p, T v) { *p = v; }
template <class T> inline void __stcs(T* p, T v) { *p = v; }

// ---- math intrinsics: the fast variants are the accurate libm functions here ----------------------
inline float __expf(float x) { return expf(x); }
inline float __exp10f(float x) { return exp10f(x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __log10f(float x) { return log10f(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline void __sincosf(float x, float* s, float* c) { sincosf(x, s, c); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline int __float_as_int(float x) { return emu::fromBits<int>(emu::toBits(x)); }
inline float __int_as_float(int x) { return emu::fromBits<float>(emu::toBits(x)); }
inline unsigned __float_as_uint(float x) { return emu::fromBits<unsigned>(emu::toBits(x)); }
inline float __uint_as_float(unsigned x) { return emu::fromBits<float>(emu::toBits(x)); }
inline int __float2int_rn(float x) { return (int)rintf(x); }
inline int __float2int_rz(float x) { return (int)x; }
inline int __float2int_rd(float x) { return (int)floorf(x); }
inline int __float2int_ru(float x) { return (int)ceilf(x); }
inline float __int2float_rn(int x) { return (float)x; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned __brev(unsigned x) {
    unsigned r = 0;
    for (int i = 0; i < 32; i++, x >>= 1) r = (r << 1) | (x & 1u);
    return r;
}

// min/max as CUDA's math headers declare them (no std:: in kernels).
#define EMU_MINMAX(R, A, B)                               \
    inline R min(A a, B b) { return (R)a < (R)b ? (R)a : (R)b; } \
    inline R max(A a, B b) { return (R)a > (R)b ? (R)a : (R)b; }
EMU_MINMAX(int, int, int)
EMU_MINMAX(unsigned, unsigned, unsigned)
EMU_MINMAX(unsigned, int, unsigned)
EMU_MINMAX(unsigned, unsigned, int)
EMU_MINMAX(long, long, long)
EMU_MINMAX(unsigned long, unsigned long, unsigned long)
EMU_MINMAX(long long, long long, long long)
EMU_MINMAX(unsigned long long, unsigned long long, unsigned long long)
#undef EMU_MINMAX
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
