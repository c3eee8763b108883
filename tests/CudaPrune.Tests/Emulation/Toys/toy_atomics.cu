// Toy kernels for the emulator's own tests: atomics from many blocks at once.
#include "common.cuh"

// sums[0] += inp[i] (float), counts[0] += 1, counts[1] = max(values), hist[v % 10] += 1.
KERNEL void toy_atomics(float* sums, int* counts, int* hist, const float* inp, const int* values, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    atomicAdd(&sums[0], inp[i]);
    atomicAdd(&counts[0], 1);
    atomicMax(&counts[1], values[i]);
    atomicAdd(&hist[values[i] % 10], 1);
}

// out[0] = max of inp, by a compare-and-swap loop on the float's bits.
KERNEL void toy_atomic_max_float(float* out, const float* inp, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int* address = (int*)out;
    int old = *address;
    while (__int_as_float(old) < inp[i]) {
        int assumed = old;
        old = atomicCAS(address, assumed, __float_as_int(inp[i]));
        if (old == assumed) break;
    }
}
