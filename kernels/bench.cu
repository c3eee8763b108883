// bench.cu — helpers of `cudaprune bench kernels`, not ops.
//
// Versions:
//   bench_spin_kernel1   one thread spins for `cycles` SM clocks. Queued before a batch of timed launches,
//                        it keeps the GPU busy while the host queues them all, so no timed launch waits for
//                        the host and each event pair brackets GPU time only (nvbench's blocking-kernel
//                        idea). Launched and checked by QueueAheadSpin (src/CudaPrune.Profiling/Timing) for
//                        `bench kernels` and `profile`. GPU only: the emulator has no clock, and its timings mean nothing anyway.
#include "common.cuh"

#ifndef CUDAPRUNE_EMULATOR
KERNEL void bench_spin_kernel1(long long cycles) {
    const long long start = clock64();
    while (clock64() - start < cycles) {
    }
}
#endif
