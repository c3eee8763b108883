// Toy kernels for the emulator's own tests: a kernel version only the GPU has.
#include "common.cuh"

KERNEL void toy_portable(float* out) { out[0] = 1.0f; }

#if CUDAPRUNE_HAS_MMA
// Stands for a tensor-core kernel: the emulator build leaves it out and says why.
KERNEL void toy_tensor_cores(float* out) { out[0] = 2.0f; }
#endif
