// fiber.cpp — context switching for the emulated CUDA threads, and their stacks.
// x86-64: a hand-written switch that saves the callee-saved registers (about 20 instructions, no
// system call: swapcontext would cost a sigprocmask call per switch, and a 256-thread block switches
// 512 times per __syncthreads). Elsewhere, or with -DCUDAPRUNE_EMU_UCONTEXT: ucontext.
#include "fiber.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

namespace emu {
namespace {

[[noreturn]] void contextMain(Context* c) {
#ifdef __SANITIZE_ADDRESS__
    __sanitizer_finish_switch_fiber(nullptr, &c->resumedFrom->stackBottom, &c->resumedFrom->stackSize);
#endif
    c->entry(c->arg);
    __builtin_trap(); // entry functions end by switching away for good
}

} // namespace

#ifndef CUDAPRUNE_EMU_USE_UCONTEXT

extern "C" void emu_context_switch(void** saveSp, void* loadSp);
extern "C" void emu_context_start();

// Saves rbp, rbx and r12-r15 (the SysV ABI's callee-saved registers) on the current stack, stores the
// stack pointer, loads the other one and restores the same set. MXCSR and the x87 control word are
// callee-saved too, but kernels never change them, and saving them would double the cost of a switch.
// emu_context_start is where a fresh context "returns" to: it calls contextMain(r12) through r13.
asm(R"(
    .pushsection .text
    .p2align 4
    .globl emu_context_switch
    .hidden emu_context_switch
    .type emu_context_switch, @function
emu_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_context_switch, .-emu_context_switch

    .p2align 4
    .globl emu_context_start
    .hidden emu_context_start
    .type emu_context_start, @function
emu_context_start:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size emu_context_start, .-emu_context_start
    .popsection
)");

void makeContext(Context& c, unsigned char* stackBottom, std::size_t stackSize, FiberEntry entry, void* arg) {
    c.entry = entry;
    c.arg = arg;
#ifdef __SANITIZE_ADDRESS__
    c.stackBottom = stackBottom;
    c.stackSize = stackSize;
    c.fakeStack = nullptr;
#endif
    // The frame emu_context_switch pops: r15 r14 r13 r12 rbx rbp return-address. It sits 8 bytes
    // below a 16-byte boundary, so the stack is 16-byte aligned after the `ret` and contextMain is
    // entered (through a call) with the ABI's alignment.
    auto top = reinterpret_cast<std::uintptr_t>(stackBottom + stackSize) & ~std::uintptr_t{15};
    auto* frame = reinterpret_cast<std::uint64_t*>(top - 16 - 7 * sizeof(std::uint64_t));
    frame[0] = 0;                                                   // r15
    frame[1] = 0;                                                   // r14
    frame[2] = reinterpret_cast<std::uint64_t>(&contextMain);       // r13
    frame[3] = reinterpret_cast<std::uint64_t>(&c);                 // r12
    frame[4] = 0;                                                   // rbx
    frame[5] = 0;                                                   // rbp
    frame[6] = reinterpret_cast<std::uint64_t>(&emu_context_start); // return address
    c.sp = frame;
}

static inline void rawSwitch(Context& from, Context& to) { emu_context_switch(&from.sp, to.sp); }

#else

namespace {
// makecontext passes int arguments only: the Context pointer travels as two halves.
void ucontextMain(unsigned hi, unsigned lo) {
    contextMain(reinterpret_cast<Context*>((std::uintptr_t{hi} << 32) | lo));
}
} // namespace

void makeContext(Context& c, unsigned char* stackBottom, std::size_t stackSize, FiberEntry entry, void* arg) {
    c.entry = entry;
    c.arg = arg;
#ifdef __SANITIZE_ADDRESS__
    c.stackBottom = stackBottom;
    c.stackSize = stackSize;
    c.fakeStack = nullptr;
#endif
    getcontext(&c.uc);
    c.uc.uc_stack.ss_sp = stackBottom;
    c.uc.uc_stack.ss_size = stackSize;
    c.uc.uc_link = nullptr;
    auto p = reinterpret_cast<std::uintptr_t>(&c);
    makecontext(&c.uc, reinterpret_cast<void (*)()>(&ucontextMain), 2, unsigned(p >> 32), unsigned(p));
}

static inline void rawSwitch(Context& from, Context& to) { swapcontext(&from.uc, &to.uc); }

#endif

void switchContext(Context& from, Context& to, bool fromIsFinished) {
#ifdef __SANITIZE_ADDRESS__
    to.resumedFrom = &from;
    __sanitizer_start_switch_fiber(fromIsFinished ? nullptr : &from.fakeStack, to.stackBottom, to.stackSize);
#else
    (void)fromIsFinished;
#endif
    rawSwitch(from, to);
#ifdef __SANITIZE_ADDRESS__
    __sanitizer_finish_switch_fiber(from.fakeStack, &from.resumedFrom->stackBottom, &from.resumedFrom->stackSize);
#endif
}

StackPool::StackPool(std::size_t slotBytes, int maxStacks)
    : slotBytes_(slotBytes), guardBytes_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))), maxStacks_(maxStacks) {
    mappingBytes_ = slotBytes_ * static_cast<std::size_t>(maxStacks + 1); // one extra slot for the alignment
    mapping_ = mmap(nullptr, mappingBytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping_ == MAP_FAILED) {
        std::perror("cudaprune emulator: reserving fiber stacks");
        std::abort();
    }
    region_ = reinterpret_cast<unsigned char*>((reinterpret_cast<std::uintptr_t>(mapping_) + slotBytes_ - 1) & ~(slotBytes_ - 1));
}

StackPool::~StackPool() { munmap(mapping_, mappingBytes_); }

unsigned char* StackPool::take(void* owner) {
    unsigned char* slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        if (carved_ == maxStacks_) {
            std::fputs("cudaprune emulator: more fiber stacks than threads in a block\n", stderr);
            std::abort();
        }
        slot = region_ + slotBytes_ * static_cast<std::size_t>(carved_++);
        if (mprotect(slot, guardBytes_, PROT_NONE) != 0) {
            std::perror("cudaprune emulator: fiber stack guard page");
            std::abort();
        }
    }
    *reinterpret_cast<void**>(slot + slotBytes_ - sizeof(void*)) = owner;
    return slot;
}

} // namespace emu
