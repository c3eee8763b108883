// runtime.h — the emulator's internals, shared by its translation units (not seen by kernels).
#pragma once

#include "device_types.h"
#include "fiber.h"
#include "kernel_table.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace emu {

constexpr int MaxThreadsPerBlock = 1024;
constexpr int WarpCount = MaxThreadsPerBlock / 32;

// The facts of one launch, read by every worker that runs its blocks.
struct LaunchParams {
    int kernelIndex;
    const KernelEntry* kernel;
    uint3 grid;
    uint3 block;
    unsigned dynamicSharedBytes;
    void* const* args;
    std::uint64_t seed; // picks each block's thread order and poison pattern (reproducible)
};

struct Worker;

enum class FiberState : unsigned char { NotStarted, Running, AtBarrier, AtWarpOp, Done, Failed };

// One emulated CUDA thread. Starts with what the kernel sees of it (emu::self()).
struct Fiber : ThreadView {
    Worker* worker = nullptr;
    int linear = 0;                 // x + y * blockDim.x + z * blockDim.x * blockDim.y
    FiberState state = FiberState::NotStarted;
    unsigned waitGeneration = 0;    // the barrier/warp generation it waits to see pass
    unsigned char* stack = nullptr; // its stack slot, held from its start to its end
    Context context;
};

// The running CUDA thread (only valid on a fiber stack).
inline Fiber& currentFiber() { return static_cast<Fiber&>(self()); }

// __syncthreads: completes when every thread that has not exited has arrived (threads that exited
// count as arrived, as on the hardware).
struct BlockBarrier {
    int alive = 0;
    int arrived = 0;
    unsigned generation = 0;
    unsigned yesSoFar = 0;
    Tally result[2]{}; // by generation parity: a thread reads its tally after the barrier passed
};

// A warp collective (shuffle, vote, __syncwarp): completes when every live lane of its mask arrived.
struct WarpCollective {
    unsigned live = 0;    // lanes that exist and have not exited
    unsigned arrived = 0; // lanes waiting in the current collective
    unsigned mask = 0;
    WarpOp op = WarpOp::SyncWarp;
    unsigned generation = 0;
    unsigned yesSoFar = 0;
    Tally result[2]{};
    std::uint64_t bits[2][32]{};
};

// A thread of the pool that runs blocks, one at a time, each CUDA thread a fiber on it.
struct Worker {
    Worker();

    Context scheduler;
    const LaunchParams* launch = nullptr;
    BlockView block{};
    std::uint32_t poison = 0; // this block's poison pattern
    std::string error;        // why the block failed

    std::vector<Fiber> fibers;
    uint3 shape{};            // the block shape the fibers' threadIdx are laid out for
    std::vector<WarpCollective> warps;
    BlockBarrier barrier;
    std::vector<int> order;   // the order threads run in, in passes (varies per block)
    int threads = 0;          // of the running block
    int cursor = 0;           // position in `order` of the current pass
    bool progressed = false;  // some thread ran in the current pass
    int done = 0;             // threads that returned
    bool deadlocked = false;  // a whole pass found no thread able to go on
    Fiber* failed = nullptr;  // the thread that failed the block (w.error says why)
    unsigned char* finishedStack = nullptr; // see releaseFinishedStack
    StackPool stacks;
    std::vector<unsigned char> dynamicShared; // + a canary tail (not used by the ASan build)
};

// Runs block number `linear` of the launch on this worker; false with w.error set when it failed.
bool runBlock(Worker& w, const LaunchParams& p, long linear);

// Fills [p, p + bytes) with the 4-byte pattern (little-endian order, partial word at the end).
void fillPattern(void* p, std::size_t bytes, std::uint32_t pattern);

// Static __shared__ variables of each kernel, found in this binary's symbol table. Call
// poisonStaticShared on the worker thread that runs the block (they are thread_local).
bool mapStaticShared(std::string& error);
unsigned staticSharedBytes(int kernelIndex);
void poisonStaticShared(int kernelIndex, std::uint32_t pattern);

// The launcher, for the C API and the standalone runner.
bool initialize(int workers, std::string& error);
int workerCount();
int findKernel(const char* name);
// False with `error` set when the launch failed; `invalid`: because of its configuration.
bool launch(int kernelIndex, uint3 grid, uint3 block, unsigned dynamicSharedBytes, void* const* args,
            std::uint64_t seed, std::string& error, bool& invalid);

} // namespace emu
