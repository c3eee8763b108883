// Toy kernels for the emulator's own tests: an elementwise kernel (graph capture, events, launches).
#include "common.cuh"

// Adds alpha to every element: out[i] = inp[i] + alpha.
KERNEL void toy_add_scalar(float* out, const float* inp, float alpha, int n) {
    GRID_STRIDE_LOOP(i, n) out[i] = inp[i] + alpha;
}
