// device_types.h — CUDA's device-side types (float4, dim3, ...) and the emulator runtime's entry
// points that cuda_emu.h builds CUDA's names on. Unlike cuda_emu.h it defines no macros, so the
// runtime's own sources include it too.
#pragma once

#include <cstdint>

#define EMU_ALIGN(n) __attribute__((aligned(n)))

// ---- vector types (trivial aggregates, aligned as in CUDA) ------------------------------------------
struct EMU_ALIGN(8) float2 { float x, y; };
struct float3 { float x, y, z; };
struct EMU_ALIGN(16) float4 { float x, y, z, w; };
struct EMU_ALIGN(8) int2 { int x, y; };
struct int3 { int x, y, z; };
struct EMU_ALIGN(16) int4 { int x, y, z, w; };
struct EMU_ALIGN(8) uint2 { unsigned x, y; };
struct uint3 { unsigned x, y, z; };
struct EMU_ALIGN(16) uint4 { unsigned x, y, z, w; };
struct EMU_ALIGN(16) double2 { double x, y; };

inline float2 make_float2(float x, float y) { return {x, y}; }
inline float3 make_float3(float x, float y, float z) { return {x, y, z}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline int2 make_int2(int x, int y) { return {x, y}; }
inline int3 make_int3(int x, int y, int z) { return {x, y, z}; }
inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
inline uint2 make_uint2(unsigned x, unsigned y) { return {x, y}; }
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) { return {x, y, z}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }
inline double2 make_double2(double x, double y) { return {x, y}; }

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
    constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    constexpr operator uint3() const { return {x, y, z}; }
};

// ---- what the built-in variables (threadIdx, ...) read ------------------------------------------
namespace emu {

// The block a CUDA thread belongs to, as its built-in variables see it.
struct BlockView {
    uint3 blockIdx;
    uint3 blockDim;
    uint3 gridDim;
    unsigned char* dynamicShared; // 16-byte aligned
};

// What a CUDA thread sees of itself (the start of its fiber, emu/runtime.h).
struct ThreadView {
    uint3 threadIdx;
    const BlockView* block;
};

// Every CUDA thread runs on a stack slot of StackSlotBytes (a power of two), aligned to its size, whose
// top word points at the thread's ThreadView. So the running thread is found from the stack pointer
// alone: no thread-local storage lookup, which costs a function call in a dlopen'ed library.
#ifdef CUDAPRUNE_EMU_ASAN
constexpr std::uintptr_t StackSlotBytes = 256 * 1024; // ASan's redzones make frames several times larger
#else
constexpr std::uintptr_t StackSlotBytes = 64 * 1024;
#endif

inline ThreadView& self() {
#ifdef __x86_64__
    std::uintptr_t sp;
    asm("movq %%rsp, %0" : "=r"(sp));
#else
    const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
#endif
    return **reinterpret_cast<ThreadView**>((sp | (StackSlotBytes - 1)) + 1 - sizeof(void*));
}

} // namespace emu

// ---- synchronisation and warp collectives (emu/block_scheduler.cpp) --------------------------------
namespace emu {
enum class WarpOp : int { SyncWarp, ShflIdx, ShflUp, ShflDown, ShflXor, Vote };

// What a counting barrier (__syncthreads_count/and/or) or a warp vote saw: how many (or which) of the
// threads that met had a non-zero predicate, and how many (or which) met.
struct Tally {
    unsigned yes;
    unsigned met;
};

void syncthreads();
Tally syncthreadsTally(int predicate);
// Exchanges `bits` among the lanes of `mask`; returns the bits of the lane this op reads from
// (the poison pattern if that lane did not take part).
std::uint64_t warpShuffle(unsigned mask, std::uint64_t bits, WarpOp op, int arg, int width);
// Ballot (bit per lane) of the lanes of `mask` with a non-zero predicate, and the lanes that met.
Tally warpVote(unsigned mask, int predicate, WarpOp op);
unsigned activeMask();
[[noreturn]] void trap();

// A value's bytes in an integer of type B, and back (as memcpy: no aliasing trouble).
template <class B, class T> inline B toBitsOf(T v) {
    static_assert(sizeof(T) <= sizeof(B) && __is_trivially_copyable(T), "at most the integer's size, trivially copyable");
    B bits = 0;
    __builtin_memcpy(&bits, &v, sizeof(T));
    return bits;
}
template <class T> inline std::uint64_t toBits(T v) { return toBitsOf<std::uint64_t>(v); }
template <class T, class B> inline T fromBits(B bits) {
    T v;
    __builtin_memcpy(&v, &bits, sizeof(T));
    return v;
}
template <class T> inline T shuffle(unsigned mask, T v, WarpOp op, int arg, int width) {
    return fromBits<T>(warpShuffle(mask, toBits(v), op, arg, width));
}
} // namespace emu

