// conv2d_specialised.cu — version 3 of the convolutions (conv2d.cu has the shape letters and versions 1, 2):
// the implicit GEMM of conv2d_tiled.cuh compiled for one layer. Its shape (C, H, W, OC, K, S, P) and its tile
// (BM, BN) are compile-time constants given as -D defines (ConvSpecialisation on the host), so every division
// and bound by a shape folds into constants, and a pruned layer gets a tile cut to its channel count
// (BM any multiple of 4: 45 channels run as BM = 48, 11 as BM = 12). The batch N and the split-K chunk stay
// arguments. CPU twins: CpuReference.Conv2dForward, ...BackwardData, ...BackwardWeight.
//
// Versions:
//   conv2d_forward_kernel3            y = w · im2col(x) (+ b), ReLU'd when relu (as conv2d_forward_kernel2_*)
//   conv2d_backward_data_kernel3      dx += wᵀ · col2im view of dy
//   conv2d_backward_weight_kernel3    dw += dy · im2col(x)ᵀ
// Split-K as in version 2 (same workspace layout and reduction kernels, from conv2d.cu).
// Without defines (the NVRTC test of every kernel file, the emulator's main build) a small default layer
// compiles, so the file is always checked.
#include "common.cuh"
#include "conv2d_tiled.cuh"

#ifndef CONV_C
#define CONV_C 16
#endif
#ifndef CONV_H
#define CONV_H 8
#endif
#ifndef CONV_W
#define CONV_W 8
#endif
#ifndef CONV_OC
#define CONV_OC 16
#endif
#ifndef CONV_K
#define CONV_K 3
#endif
#ifndef CONV_S
#define CONV_S 1
#endif
#ifndef CONV_P
#define CONV_P 1
#endif
#ifndef CONV_BM
#define CONV_BM 16
#endif
#ifndef CONV_BN
#define CONV_BN 64
#endif

#define CONV_SPECIALISED_SHAPE(N) conv_shape(N, CONV_C, CONV_H, CONV_W, CONV_OC, CONV_K, CONV_S, CONV_P)

KERNEL __launch_bounds__(CONV_TILE_THREADS(CONV_BM, CONV_BN)) void conv2d_forward_kernel3(float* y, float* parts, const float* x, const float* w, const float* b, int N, int chunk, int relu) {
    TILE_SHARED(CONV_BM, CONV_BN);
    conv_forward_tiled<CONV_BM, CONV_BN>(As, Bs, y, parts, x, w, b, CONV_SPECIALISED_SHAPE(N), relu != 0, chunk);
}

KERNEL __launch_bounds__(CONV_TILE_THREADS(CONV_BM, CONV_BN)) void conv2d_backward_data_kernel3(float* dx, float* parts, const float* dy, const float* w, int N, int chunk) {
    TILE_SHARED(CONV_BM, CONV_BN);
    conv_backward_data_tiled<CONV_BM, CONV_BN>(As, Bs, dx, parts, dy, w, CONV_SPECIALISED_SHAPE(N), chunk);
}

KERNEL __launch_bounds__(CONV_TILE_THREADS(CONV_BM, CONV_BN)) void conv2d_backward_weight_kernel3(float* dw, float* parts, const float* dy, const float* x, int N, int chunk) {
    TILE_SHARED(CONV_BM, CONV_BN);
    conv_backward_weight_tiled<CONV_BM, CONV_BN>(As, Bs, dw, parts, dy, x, CONV_SPECIALISED_SHAPE(N), chunk);
}
