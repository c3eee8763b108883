// launcher.cpp — checks a launch like the driver does, spreads its blocks over a fixed pool of worker
// threads (the calling thread is one of them), and exports the C API that EmulatedGpu calls.
// One launch at a time; it returns when every block has run.
#include "runtime.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace emu {

namespace {

// Shared memory per block, as on the H100 the project targets: static variables up to 48 KiB; static +
// dynamic up to 227 KiB, dynamic memory above 48 KiB being opted into at launch, as CudaGpu does
// (cuFuncSetAttribute).
constexpr unsigned StaticSharedLimit = 48 * 1024;
constexpr unsigned SharedMemoryLimit = 227 * 1024;

struct LaunchState {
    LaunchParams params{};
    long blocks = 0;
    std::atomic<long> next{0};
    std::atomic<bool> failed{false};
    std::mutex errorMutex;
    long errorBlock = LONG_MAX;
    std::string error;
};

void work(Worker& w, LaunchState& s) {
    for (;;) {
        const long b = s.next.fetch_add(1, std::memory_order_relaxed);
        if (b >= s.blocks || s.failed.load(std::memory_order_relaxed)) return;
        if (!runBlock(w, s.params, b)) {
            std::lock_guard lock(s.errorMutex);
            s.failed.store(true, std::memory_order_relaxed);
            if (b < s.errorBlock) { // report the lowest failing block, whichever worker got there first
                s.errorBlock = b;
                s.error = w.error;
            }
        }
    }
}

// Worker 0 is whichever thread calls run(); workers 1..n-1 are pool threads that live as long as the
// process (never joined: the pool is never destroyed).
class Pool {
public:
    explicit Pool(int n) {
        for (int i = 0; i < n; i++) workers_.push_back(std::make_unique<Worker>());
        for (int i = 1; i < n; i++) std::thread([this, i] { loop(i); }).detach();
    }

    int size() const { return static_cast<int>(workers_.size()); }

    void run(LaunchState& s) {
        // Waking a pool thread costs about as much as running a couple of thousand CUDA threads, so
        // small launches stay on the calling thread.
        const long threads = s.blocks * static_cast<long>(s.params.block.x * s.params.block.y * s.params.block.z);
        const int participants = static_cast<int>(std::min({static_cast<long>(size()), s.blocks, std::max(1L, threads / 2048)}));
        if (participants > 1) {
            {
                std::lock_guard lock(mutex_);
                launch_ = &s;
                participants_ = participants;
                pending_ = participants - 1;
                generation_++;
            }
            wake_.notify_all();
        }
        work(*workers_[0], s);
        if (participants > 1) {
            std::unique_lock lock(mutex_);
            done_.wait(lock, [this] { return pending_ == 0; });
            launch_ = nullptr;
        }
    }

private:
    void loop(int id) {
        unsigned long seen = 0;
        for (;;) {
            LaunchState* s;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [&] { return generation_ != seen; });
                seen = generation_;
                if (id >= participants_) continue;
                s = launch_;
            }
            work(*workers_[id], *s);
            std::lock_guard lock(mutex_);
            if (--pending_ == 0) done_.notify_one();
        }
    }

    std::vector<std::unique_ptr<Worker>> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    LaunchState* launch_ = nullptr;
    unsigned long generation_ = 0;
    int participants_ = 0;
    int pending_ = 0;
};

Pool* pool = nullptr;
std::mutex launchMutex;

template <class... A> std::string format(const char* fmt, A... a) {
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, a...);
    return buf;
}

// The driver's launch checks; an empty string when the configuration is valid.
std::string checkLaunch(int k, uint3 grid, uint3 block, unsigned dynamicSharedBytes) {
    if (k < 0 || k >= kernelCount) return format("no kernel number %d (the library has %d)", k, kernelCount);
    const KernelEntry& e = *kernelTable[k];
    const unsigned long long threads = 1ULL * block.x * block.y * block.z;
    std::string why;
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || block.x == 0 || block.y == 0 || block.z == 0)
        why = "a grid or block dimension is 0";
    else if (grid.x > 2147483647u || grid.y > 65535u || grid.z > 65535u)
        why = "the grid exceeds (2147483647, 65535, 65535)";
    else if (block.x > 1024u || block.y > 1024u || block.z > 64u)
        why = "the block exceeds (1024, 1024, 64)";
    else if (threads > 1024u)
        why = format("the block has %llu threads, more than the 1024 a block may have", threads);
    else if (e.maxThreadsPerBlock > 0 && threads > static_cast<unsigned>(e.maxThreadsPerBlock))
        why = format("the block has %llu threads, more than the kernel's __launch_bounds__ of %d", threads,
                     e.maxThreadsPerBlock);
    else if (staticSharedBytes(k) > StaticSharedLimit)
        why = format("%u bytes of static shared memory exceed the %u a kernel may declare", staticSharedBytes(k),
                     StaticSharedLimit);
    else if (staticSharedBytes(k) + 1ULL * dynamicSharedBytes > SharedMemoryLimit)
        why = format("%u bytes of static + %u bytes of dynamic shared memory exceed the %u a block may opt into",
                     staticSharedBytes(k), dynamicSharedBytes, SharedMemoryLimit);
    if (why.empty()) return why;
    return format("invalid launch of %s: grid (%u,%u,%u), block (%u,%u,%u), %u bytes of dynamic shared memory: ",
                  e.name, grid.x, grid.y, grid.z, block.x, block.y, block.z, dynamicSharedBytes) +
           why;
}

thread_local std::string lastError;

uint3 toUint3(const unsigned* v) { return {v[0], v[1], v[2]}; }

} // namespace

bool initialize(int workers, std::string& error) {
    std::lock_guard lock(launchMutex);
    if (pool != nullptr) return true;
    if (!mapStaticShared(error)) return false;
#ifdef CUDAPRUNE_EMU_ASAN
    workers = 1; // blocks one after another: plain statics are the shared memory (cuda_emu.h)
#endif
    pool = new Pool(std::clamp(workers, 1, 64));
    return true;
}

int workerCount() { return pool == nullptr ? 0 : pool->size(); }

int findKernel(const char* name) {
    for (int k = 0; k < kernelCount; k++)
        if (std::strcmp(kernelTable[k]->name, name) == 0) return k;
    return -1;
}

bool launch(int k, uint3 grid, uint3 block, unsigned dynamicSharedBytes, void* const* args, std::uint64_t seed,
            std::string& error, bool& invalid) {
    invalid = true;
    if (pool == nullptr) {
        error = "the emulator is not initialized (emu_init)";
        return false;
    }
    error = checkLaunch(k, grid, block, dynamicSharedBytes);
    if (!error.empty()) return false;
    invalid = false;
    std::lock_guard lock(launchMutex);
    LaunchState s;
    s.params = {k, kernelTable[k], grid, block, dynamicSharedBytes, args, seed};
    s.blocks = static_cast<long>(grid.x) * grid.y * grid.z;
    pool->run(s);
    if (!s.failed) return true;
    error = std::string(kernelTable[k]->name) + ": " + s.error;
    return false;
}

} // namespace emu

// ---- the C API (EmulatedLibrary.cs binds these) -------------------------------------------------------
#define EMU_API extern "C" __attribute__((visibility("default")))

EMU_API int emu_init(int workers) { return emu::initialize(workers, emu::lastError) ? 0 : -1; }
EMU_API const char* emu_last_error() { return emu::lastError.c_str(); }
EMU_API int emu_worker_count() { return emu::workerCount(); }

EMU_API int emu_kernel_count() { return emu::kernelCount; }
EMU_API const char* emu_kernel_name(int k) { return emu::kernelTable[k]->name; }
EMU_API const char* emu_kernel_module(int k) { return emu::kernelTable[k]->module; }
EMU_API int emu_kernel_arg_count(int k) { return emu::kernelTable[k]->argCount; }
EMU_API int emu_kernel_arg_size(int k, int i) { return emu::kernelTable[k]->argSizes[i]; }
EMU_API const char* emu_kernel_arg_names(int k) { return emu::kernelTable[k]->argNames; }
EMU_API int emu_kernel_max_threads(int k) { return emu::kernelTable[k]->maxThreadsPerBlock; }
EMU_API int emu_kernel_static_shared(int k) { return static_cast<int>(emu::staticSharedBytes(k)); }

EMU_API int emu_gpu_only_count() { return emu::gpuOnlyCount; }
EMU_API const char* emu_gpu_only_name(int i) { return emu::gpuOnlyKernels[i].name; }
EMU_API const char* emu_gpu_only_module(int i) { return emu::gpuOnlyKernels[i].module; }
EMU_API const char* emu_gpu_only_reason(int i) { return emu::gpuOnlyKernels[i].reason; }

// 0: valid; 1: invalid configuration (emu_last_error says why).
EMU_API int emu_check_launch(int k, const unsigned* grid, const unsigned* block, unsigned dynamicSharedBytes) {
    emu::lastError = emu::checkLaunch(k, emu::toUint3(grid), emu::toUint3(block), dynamicSharedBytes);
    return emu::lastError.empty() ? 0 : 1;
}

// 0: ran; 1: invalid configuration; 2: the kernel failed (deadlock, __trap, ...). emu_last_error says why.
EMU_API int emu_launch(int k, const unsigned* grid, const unsigned* block, unsigned dynamicSharedBytes,
                       void* const* args, unsigned long long seed) {
    bool invalid = false;
    if (emu::launch(k, emu::toUint3(grid), emu::toUint3(block), dynamicSharedBytes, args, seed, emu::lastError, invalid)) return 0;
    return invalid ? 1 : 2;
}
