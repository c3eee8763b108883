// kernel_table.h — how the generated code describes each kernel to the emulator's launcher.
// The build (src/CudaPrune.Cuda/Emulation/EmulatorCodeGenerator.cs) writes, for every kernels/<m>.cu,
// a translation unit that includes the .cu and lists its kernels with EMU_KERNEL_ENTRY, plus one table
// of all modules. Argument types come from the kernels' own signatures (the compiler deduces them), so
// nothing about a kernel is written by hand.
#pragma once

#include <cstddef>
#include <utility>

namespace emu {

// Calls the kernel with arguments in cuLaunchKernel's convention: args[i] points at argument i's value.
using Trampoline = void (*)(void* const* args);

struct KernelEntry {
    const char* name;
    const char* module;      // kernels/<module>.cu
    Trampoline call;
    int argCount;
    const unsigned short* argSizes; // bytes of each argument, to copy the values when a graph is captured
    int maxThreadsPerBlock;  // from __launch_bounds__, 0 when the kernel has none
    const char* argNames;    // "out,x,n": parameter names from the declaration, for launch-check messages
};

// A kernel that exists in the sources but not in the emulator build (tensor-core code behind
// CUDAPRUNE_HAS_MMA, say), with the reason, so that GetKernel can say why it is missing.
struct GpuOnlyKernel {
    const char* name;
    const char* module;
    const char* reason;
};

template <class F> struct Signature;
template <class... A> struct Signature<void (*)(A...)> {
    static constexpr int count = sizeof...(A);
    static constexpr unsigned short sizes[sizeof...(A) + 1] = {static_cast<unsigned short>(sizeof(A))..., 0};

    template <std::size_t... I>
    static void invoke(void (*kernel)(A...), void* const* args, std::index_sequence<I...>) {
        kernel(*static_cast<std::remove_reference_t<A>*>(args[I])...);
    }
    static void invoke(void (*kernel)(A...), void* const* args) {
        invoke(kernel, args, std::index_sequence_for<A...>{});
    }
};

// Defined by the generated table.
extern const KernelEntry* const kernelTable[];
extern const int kernelCount;
extern const GpuOnlyKernel gpuOnlyKernels[];
extern const int gpuOnlyCount;

} // namespace emu

// One row of a module's table: EMU_KERNEL_ENTRY(module, kernel, maxThreadsPerBlock, "arg,names").
#define EMU_KERNEL_ENTRY(module, kernel, maxThreads, argNames)                                             \
    ::emu::KernelEntry {                                                                                   \
        #kernel, #module,                                                                                  \
            [](void* const* args) { ::emu::Signature<decltype(&kernel)>::invoke(&kernel, args); },         \
            ::emu::Signature<decltype(&kernel)>::count, ::emu::Signature<decltype(&kernel)>::sizes,        \
            static_cast<int>(maxThreads), argNames                                                         \
    }
