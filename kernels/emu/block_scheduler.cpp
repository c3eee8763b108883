// block_scheduler.cpp — runs one thread block: its CUDA threads as fibers on one worker thread,
// with __syncthreads and the warp collectives as real meeting points between them.
//
// Making races observable: at block start every static and dynamic __shared__ byte is poisoned
// (a pattern that reads as NaN, +huge or -huge floats, varying by block), and the scheduler resumes
// threads in an order that varies by block (reverse, forward, shuffled). A thread runs until it
// waits (barrier, warp collective) or ends, so a kernel that reads a neighbour's shared value
// without a barrier in between reads poison in some blocks and gives a wrong result.
#include "runtime.h"

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <utility>

namespace emu {
namespace {

constexpr std::uint32_t PoisonPatterns[3] = {0xFFFFFFFFu, 0x7F7F7F7Fu, 0xFF7F7F7Fu}; // NaN, +3.4e38, -3.4e38
constexpr std::size_t CanaryBytes = 1024;

std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

const char* opName(WarpOp op) {
    switch (op) {
    case WarpOp::SyncWarp: return "__syncwarp";
    case WarpOp::ShflIdx: return "__shfl_sync";
    case WarpOp::ShflUp: return "__shfl_up_sync";
    case WarpOp::ShflDown: return "__shfl_down_sync";
    case WarpOp::ShflXor: return "__shfl_xor_sync";
    case WarpOp::Vote: return "a warp vote (__ballot_sync/__any_sync/__all_sync)";
    }
    return "?";
}

template <class... A> std::string format(const char* fmt, A... a) {
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, a...);
    return buf;
}

void fiberMain(void* arg);

bool runnable(const Worker& w, const Fiber& f) {
    switch (f.state) {
    case FiberState::NotStarted: return true;
    case FiberState::AtBarrier: return w.barrier.generation != f.waitGeneration;
    case FiberState::AtWarpOp: return w.warps[f.linear >> 5].generation != f.waitGeneration;
    default: return false;
    }
}

// The next thread to run, in passes over the block's order; null when the block has finished, or when
// a whole pass found no thread able to go on (w.deadlocked).
Fiber* nextRunnable(Worker& w) {
    for (;;) {
        while (w.cursor < w.threads) {
            Fiber& f = w.fibers[w.order[w.cursor++]];
            if (runnable(w, f)) {
                w.progressed = true;
                return &f;
            }
        }
        if (w.done == w.threads) return nullptr;
        if (!w.progressed) {
            w.deadlocked = true;
            return nullptr;
        }
        w.cursor = 0;
        w.progressed = false;
    }
}

// A thread that finished leaves its stack here; whoever runs next gives it back to the pool (the
// finishing thread cannot: it is still on that stack until the switch).
void releaseFinishedStack(Worker& w) {
    if (w.finishedStack != nullptr) {
        w.stacks.give(w.finishedStack);
        w.finishedStack = nullptr;
    }
}

// Switches from `from` straight to thread `next` (starting it if new), or to the scheduler when null.
// Returns when `from` is resumed.
void transfer(Worker& w, Context& from, Fiber* next, bool fromIsFinished) {
    Context* to = &w.scheduler;
    if (next != nullptr) {
        if (next->state == FiberState::NotStarted) {
            next->stack = w.stacks.take(static_cast<ThreadView*>(next));
            makeContext(next->context, w.stacks.stackBottom(next->stack), w.stacks.stackBytes(), &fiberMain, next);
        }
        next->state = FiberState::Running;
        to = &next->context;
    }
    switchContext(from, *to, fromIsFinished);
    releaseFinishedStack(w);
}

// The running thread waits (its state says for what): the next runnable thread runs, which may be this
// one again. One switch per waiting thread, with no round trip through the scheduler.
void suspend(Worker& w, Fiber& f) {
    Fiber* next = nextRunnable(w);
    if (next == &f) {
        f.state = FiberState::Running;
        return;
    }
    transfer(w, f.context, next, false);
}

// Ends the block from inside a thread: the scheduler reports `message` for this thread.
[[noreturn]] void fail(std::string message) {
    Fiber& f = currentFiber();
    Worker& w = *f.worker;
    w.error = std::move(message);
    w.failed = &f;
    f.state = FiberState::Failed;
    switchContext(f.context, w.scheduler);
    __builtin_unreachable();
}

void completeBarrier(BlockBarrier& b) {
    b.result[b.generation & 1] = {b.yesSoFar, static_cast<unsigned>(b.arrived)};
    b.arrived = 0;
    b.yesSoFar = 0;
    b.generation++;
}

void completeWarp(WarpCollective& c) {
    c.result[c.generation & 1] = {c.yesSoFar, c.arrived};
    c.arrived = 0;
    c.yesSoFar = 0;
    c.generation++;
}

bool warpComplete(const WarpCollective& c) { return c.arrived != 0 && (c.mask & c.live & ~c.arrived) == 0; }

// Joins the running thread's warp collective and waits until every live lane of `mask` has joined.
// Returns the generation parity the results of this collective are kept under.
unsigned joinWarpCollective(unsigned mask, std::uint64_t bits, int predicate, WarpOp op) {
    Fiber& f = currentFiber();
    Worker& w = *f.worker;
    WarpCollective& c = w.warps[f.linear >> 5];
    const int lane = f.linear & 31;
    const unsigned bit = 1u << lane;
    if ((mask & bit) == 0)
        fail(format("%s(mask 0x%08x) called by lane %d, which the mask leaves out", opName(op), mask, lane));
    if (c.arrived == 0) {
        c.mask = mask;
        c.op = op;
    } else if (c.mask != mask || c.op != op) {
        fail(format("warp %d diverged: lane %d calls %s(mask 0x%08x) while lanes 0x%08x wait in %s(mask 0x%08x) "
                    "(concurrent collectives of disjoint lane groups are not emulated)",
                    f.linear >> 5, lane, opName(op), mask, c.arrived, opName(c.op), c.mask));
    }
    const unsigned parity = c.generation & 1;
    c.bits[parity][lane] = bits;
    if (predicate) c.yesSoFar |= bit;
    c.arrived |= bit;
    f.waitGeneration = c.generation;
    f.state = FiberState::AtWarpOp;
    if (warpComplete(c)) completeWarp(c);
    suspend(w, f);
    return parity;
}

// The thread returned from the kernel: it no longer holds back barriers or warp collectives.
void threadExited(Worker& w, Fiber& f) {
    BlockBarrier& b = w.barrier;
    b.alive--;
    if (b.arrived > 0 && b.arrived == b.alive) completeBarrier(b);
    WarpCollective& c = w.warps[f.linear >> 5];
    c.live &= ~(1u << (f.linear & 31));
    if (warpComplete(c)) completeWarp(c);
}

void fiberMain(void* arg) {
    Fiber& f = *static_cast<Fiber*>(arg);
    Worker& w = *f.worker;
    releaseFinishedStack(w);
    w.launch->kernel->call(w.launch->args);
    threadExited(w, f);
    f.state = FiberState::Done;
    w.done++;
    w.finishedStack = f.stack;
    f.stack = nullptr;
    transfer(w, f.context, nextRunnable(w), true); // never resumed
}

std::string describeThread(const Fiber& f) {
    return format("thread (%u,%u,%u)", f.threadIdx.x, f.threadIdx.y, f.threadIdx.z);
}

std::string describeDeadlock(const Worker& w, int threads) {
    int atBarrier = 0, atWarp = 0;
    std::string warps;
    for (int t = 0; t < threads; t++) {
        const Fiber& f = w.fibers[t];
        if (f.state == FiberState::AtBarrier) atBarrier++;
        if (f.state == FiberState::AtWarpOp) atWarp++;
    }
    for (int k = 0; k < (threads + 31) / 32 && warps.size() < 300; k++) {
        const WarpCollective& c = w.warps[k];
        if (c.arrived != 0)
            warps += format("; warp %d: lanes 0x%08x wait in %s(mask 0x%08x) for lanes 0x%08x", k, c.arrived,
                            opName(c.op), c.mask, c.mask & c.live & ~c.arrived);
    }
    return format("deadlock: %d threads wait at __syncthreads() and %d in warp collectives, none can go on "
                  "(a barrier or collective that not every thread reaches)",
                  atBarrier, atWarp) +
           warps;
}

// The order the scheduler resumes threads in: reverse, forward or shuffled, by block.
void chooseOrder(std::vector<int>& order, int threads, std::uint64_t seed, long linear) {
    order.resize(threads);
    const std::uint64_t h = mix(seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(linear));
    switch ((static_cast<std::uint64_t>(linear) + seed) & 3) {
    case 0:
        for (int t = 0; t < threads; t++) order[t] = threads - 1 - t;
        break;
    case 1:
        for (int t = 0; t < threads; t++) order[t] = t;
        break;
    default: {
        for (int t = 0; t < threads; t++) order[t] = t;
        std::uint64_t s = h | 1;
        for (int t = threads - 1; t > 0; t--) { // Fisher-Yates; a multiply-shift instead of a modulo
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            const auto pick = static_cast<int>(((s >> 32) * static_cast<std::uint64_t>(t + 1)) >> 32);
            std::swap(order[t], order[pick]);
        }
    }
    }
}

unsigned char* prepareDynamicShared(Worker& w, unsigned bytes) {
#ifdef CUDAPRUNE_EMU_ASAN
    // Exactly the requested size on ASan's heap: any access past it is reported.
    void* p = nullptr;
    if (posix_memalign(&p, 16, bytes) != 0) std::abort();
    fillPattern(p, bytes, w.poison);
    return static_cast<unsigned char*>(p);
#else
    const std::size_t need = bytes + CanaryBytes + 16;
    if (w.dynamicShared.size() < need) w.dynamicShared.resize(need);
    auto* p = reinterpret_cast<unsigned char*>((reinterpret_cast<std::uintptr_t>(w.dynamicShared.data()) + 15) & ~std::uintptr_t{15});
    // The canary tail carries the poison too: a read past the end reads poison, a write is noticed.
    fillPattern(p, bytes + CanaryBytes, w.poison);
    return p;
#endif
}

// False when the kernel wrote past its dynamic shared memory (normal build; ASan reports it itself).
bool releaseDynamicShared(Worker& w, unsigned char* p, unsigned bytes) {
#ifdef CUDAPRUNE_EMU_ASAN
    (void)w;
    (void)bytes;
    std::free(p);
    return true;
#else
    std::uint32_t word;
    for (std::size_t i = 0; i + 4 <= CanaryBytes; i += 4) {
        std::memcpy(&word, p + bytes + i, 4);
        if (word != w.poison) {
            w.error = format("wrote past the end of its %u bytes of dynamic shared memory (at byte offset %zu)",
                             bytes, bytes + i);
            return false;
        }
    }
    return true;
#endif
}

} // namespace

Worker::Worker() : fibers(MaxThreadsPerBlock), warps(WarpCount), stacks(StackSlotBytes, MaxThreadsPerBlock) {}

void fillPattern(void* p, std::size_t bytes, std::uint32_t pattern) {
    auto* out = static_cast<unsigned char*>(p);
    std::size_t i = 0;
    for (; i + 4 <= bytes; i += 4) std::memcpy(out + i, &pattern, 4);
    std::memcpy(out + i, &pattern, bytes - i);
}

bool runBlock(Worker& w, const LaunchParams& p, long linear) {
    const long gx = p.grid.x, gy = p.grid.y;
    w.block.blockIdx = {static_cast<unsigned>(linear % gx), static_cast<unsigned>(linear / gx % gy),
                        static_cast<unsigned>(linear / (gx * gy))};
    w.block.blockDim = p.block;
    w.block.gridDim = p.grid;
    const int bx = static_cast<int>(p.block.x), bxy = bx * static_cast<int>(p.block.y);
    const int threads = bxy * static_cast<int>(p.block.z);

    w.launch = &p;
    w.error.clear();
    w.poison = PoisonPatterns[(static_cast<std::uint64_t>(linear) + p.seed) % 3];
    poisonStaticShared(p.kernelIndex, w.poison);
    unsigned char* dynamic = prepareDynamicShared(w, p.dynamicSharedBytes);
    w.block.dynamicShared = dynamic;

    if (w.shape.x != p.block.x || w.shape.y != p.block.y || w.shape.z != p.block.z) {
        for (int t = 0; t < threads; t++) { // laid out once per block shape: the divisions add up
            Fiber& f = w.fibers[t];
            f.threadIdx = {static_cast<unsigned>(t % bx), static_cast<unsigned>(t % bxy / bx), static_cast<unsigned>(t / bxy)};
            f.block = &w.block;
            f.worker = &w;
            f.linear = t;
        }
        w.shape = p.block;
    }
    for (int t = 0; t < threads; t++) w.fibers[t].state = FiberState::NotStarted;
    for (int k = 0; k < (threads + 31) / 32; k++) {
        WarpCollective& c = w.warps[k];
        const int lanes = threads - 32 * k;
        c.live = lanes >= 32 ? 0xFFFFFFFFu : (1u << lanes) - 1;
        c.arrived = 0;
        c.yesSoFar = 0;
        c.generation = 0;
    }
    w.barrier = BlockBarrier{};
    w.barrier.alive = threads;
    chooseOrder(w.order, threads, p.seed, linear);

    w.threads = threads;
    w.cursor = 0;
    w.done = 0;
    w.progressed = false;
    w.deadlocked = false;
    w.failed = nullptr;
    transfer(w, w.scheduler, nextRunnable(w), false); // returns when the block has ended, one way or another
    bool ok = true;
    if (w.failed != nullptr) {
        w.error = describeThread(*w.failed) + ": " + w.error;
        ok = false;
    } else if (w.deadlocked) {
        w.error = describeDeadlock(w, threads);
        ok = false;
    }
    // Threads left suspended by a failure are abandoned; their stacks go back to the pool.
    for (int t = 0; t < threads; t++) {
        Fiber& f = w.fibers[t];
        if (f.stack != nullptr) {
            w.stacks.give(f.stack);
            f.stack = nullptr;
        }
    }
    if (!releaseDynamicShared(w, dynamic, p.dynamicSharedBytes)) ok = false;
    if (!ok)
        w.error = format("block (%u,%u,%u): ", w.block.blockIdx.x, w.block.blockIdx.y, w.block.blockIdx.z) + w.error;
    return ok;
}

void syncthreads() { syncthreadsTally(1); }

Tally syncthreadsTally(int predicate) {
    Fiber& f = currentFiber();
    Worker& w = *f.worker;
    BlockBarrier& b = w.barrier;
    const unsigned parity = b.generation & 1;
    if (predicate) b.yesSoFar++;
    b.arrived++;
    f.waitGeneration = b.generation;
    f.state = FiberState::AtBarrier;
    if (b.arrived == b.alive) completeBarrier(b);
    suspend(w, f); // even the last to arrive: the threads resume in the block's order
    return b.result[parity];
}

std::uint64_t warpShuffle(unsigned mask, std::uint64_t bits, WarpOp op, int arg, int width) {
    if (width < 1 || width > 32 || (width & (width - 1)) != 0)
        fail(format("%s with width %d: the width must be a power of two from 1 to 32", opName(op), width));
    const unsigned parity = joinWarpCollective(mask, bits, 1, op);
    const Fiber& f = currentFiber();
    const Worker& w = *f.worker;
    const WarpCollective& c = w.warps[f.linear >> 5];
    // Source lane exactly as PTX shfl.sync computes it, with CUDA's clamp for the width.
    const int lane = f.linear & 31;
    const int segment = ~(width - 1) & 31;
    const int b = arg & 31;
    const int first = lane & segment, last = first | (31 & ~segment);
    int src = lane;
    switch (op) {
    case WarpOp::ShflIdx: src = first | (b & ~segment); break;
    case WarpOp::ShflUp: src = lane - b >= first ? lane - b : lane; break;
    case WarpOp::ShflDown: src = lane + b <= last ? lane + b : lane; break;
    case WarpOp::ShflXor: src = (lane ^ b) <= last ? lane ^ b : lane; break;
    default: break;
    }
    if ((c.result[parity].met >> src & 1u) == 0) // that lane did not take part: undefined, so poison
        return (std::uint64_t{w.poison} << 32) | w.poison;
    return c.bits[parity][src];
}

Tally warpVote(unsigned mask, int predicate, WarpOp op) {
    const unsigned parity = joinWarpCollective(mask, 0, predicate, op);
    const Fiber& f = currentFiber();
    return f.worker->warps[f.linear >> 5].result[parity];
}

unsigned activeMask() {
    const Fiber& f = currentFiber();
    return f.worker->warps[f.linear >> 5].live;
}

void trap() { fail("__trap() called"); }

} // namespace emu
