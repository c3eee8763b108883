// fiber.h — the execution contexts the emulated CUDA threads run on, and the stacks they run on.
// A switch between two contexts is a plain function call: a few register saves, no system call.
#pragma once

#include <cstddef>
#include <vector>

#if !defined(__x86_64__) || defined(CUDAPRUNE_EMU_UCONTEXT)
#define CUDAPRUNE_EMU_USE_UCONTEXT 1
#include <ucontext.h>
#endif

namespace emu {

using FiberEntry = void (*)(void* arg);

// A suspended (or running) execution context.
struct Context {
#ifdef CUDAPRUNE_EMU_USE_UCONTEXT
    ucontext_t uc;
#else
    void* sp = nullptr; // saved stack pointer; the registers lie on the stack below it
#endif
    FiberEntry entry = nullptr;
    void* arg = nullptr;
#ifdef __SANITIZE_ADDRESS__
    // ASan must be told which stack is live at each switch.
    const void* stackBottom = nullptr;
    std::size_t stackSize = 0;
    void* fakeStack = nullptr;
    Context* resumedFrom = nullptr;
#endif
};

// Prepares `c` to run entry(arg) on the stack [stackBottom, stackBottom + stackSize) when first resumed.
// The entry function must never return: it ends by switching away for good.
void makeContext(Context& c, unsigned char* stackBottom, std::size_t stackSize, FiberEntry entry, void* arg);

// Suspends the running context into `from` and resumes `to`. `fromIsFinished`: `from` is never
// resumed again (lets ASan drop its bookkeeping).
void switchContext(Context& from, Context& to, bool fromIsFinished = false);

// Fiber stacks: slots of `slotBytes` (a power of two), aligned to their size, each with a guard page at
// the bottom (stacks grow down: an overflow faults instead of corrupting the neighbour) and an owner
// word at the top (see emu::self()). Carved lazily from one reserved region and reused LIFO, so a
// block whose threads never wait runs them all on one cache-hot stack.
class StackPool {
public:
    StackPool(std::size_t slotBytes, int maxStacks);
    ~StackPool();
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    // A free slot whose owner word is `owner`.
    unsigned char* take(void* owner);
    void give(unsigned char* slot) { free_.push_back(slot); }
    // The usable stack of a slot: [stackBottom(slot), stackBottom(slot) + stackBytes()).
    unsigned char* stackBottom(unsigned char* slot) const { return slot + guardBytes_; }
    std::size_t stackBytes() const { return slotBytes_ - guardBytes_ - 16; }

private:
    std::size_t slotBytes_;
    std::size_t guardBytes_;
    int maxStacks_;
    int carved_ = 0;
    void* mapping_;
    std::size_t mappingBytes_;
    unsigned char* region_; // mapping_ rounded up to slotBytes_
    std::vector<unsigned char*> free_;
};

} // namespace emu
