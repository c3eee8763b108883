// elementwise.cu — elementwise ops over flat float arrays: one thread per element, grid-stride.
// Shapes: every array holds n floats, contiguous; out may alias an input (in-place is fine, each
// element is read before it is written by the same thread).
//
// Versions:
//   add_kernel1    out[i] = a[i] + b[i]      naive grid-stride loop
//   scale_kernel1  out[i] = inp[i] * s       naive grid-stride loop
//
// Launch: block 256, grid CEIL_DIV(n, 256) (or fewer blocks: the loop covers the rest).
#include "common.cuh"

KERNEL void add_kernel1(float* out, const float* a, const float* b, long n) {
    GRID_STRIDE_LOOP(i, n) {
        out[i] = a[i] + b[i];
    }
}

KERNEL void scale_kernel1(float* out, const float* inp, float s, long n) {
    GRID_STRIDE_LOOP(i, n) {
        out[i] = inp[i] * s;
    }
}
