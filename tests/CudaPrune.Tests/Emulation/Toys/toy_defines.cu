// Toy kernel for module variants (IGpu.GetKernel with ModuleDefines): a compile-time constant given as
// -D SCALE=<n> per variant. SCALE is 1 when not given, so the plain module (the toys' main build) still
// compiles and runs: y[i] = x[i] * SCALE.
#include "common.cuh"

#ifndef SCALE
#define SCALE 1
#endif

KERNEL void toy_scaled(float* y, const float* x, int n) {
    GRID_STRIDE_LOOP(i, n) y[i] = x[i] * SCALE;
}
