// conv2d.cu — 2-D convolution (square kernel, one stride and padding for both axes, groups = 1):
// forward, the fused inference forward (+ bias + ReLU), and the two backward passes.
// Shapes: N = batch, C = input channels, H, W = input height and width, OC = output channels,
// K = kernel size, S = stride, P = padding, OH = (H + 2P - K)/S + 1, OW likewise.
//   x[N,C,H,W]  w[OC,C,K,K]  b[OC] (may be null)  y[N,OC,OH,OW]; dx, dw, dy shaped like x, w, y.
// Backward kernels ACCUMULATE (dx += ..., dw += ...). The bias gradient is bias_backward_kernel1
// (gemm.cu) over dy seen as [N, OC, OH·OW]. CPU twins: CpuReference.Conv2dForward, ...BackwardData,
// ...BackwardWeight.
//
// Versions:
//   conv2d_forward_kernel1             naive direct convolution: one thread per y element. block 256.
//   conv2d_bias_relu_forward_kernel1   the same with y = max(0, conv + b) (nanRelu: NaN stays NaN).
//   conv2d_backward_data_kernel1       naive: one thread per dx element, summing every (oc, kh, kw) whose
//                                      window covers it. block 256.
//   conv2d_backward_weight_kernel1     naive: one thread per dw element, summing over (n, oh, ow). block 256.
//   conv2d_{forward,backward_data,backward_weight}_kernel2_bm<BM>_bn<BN>
//                                      implicit GEMM on the tile engine (conv2d_tiled.cuh over tile_gemm.cuh:
//                                      register-blocked, double-buffered, im2col never materialised), the
//                                      shape as arguments; the forward one serves the fused op too (relu = 1).
//                                      One kernel per tile: BM (rows of the GEMM's M: OC, or C for backward
//                                      data) in 16, 32, 48, 64, 96, 128 so pruned channel counts waste
//                                      little; BN (pixels, or taps for backward weight) 32 or 128 so small
//                                      maps fill their tiles (each tile costs NVRTC time: ~0.4 s). Every pass splits its
//                                      reduction over gridDim.z (split-K) when the host asks: the splits'
//                                      partial sums go to a workspace `parts` [splits, output] and
//                                      conv2d_split_reduce_kernel1 adds them in a fixed order
//                                      (deterministic, no atomics). The host (ConvLaunchPlanner) picks tile
//                                      and splits per shape. Threads: TileShape<BM, BN>::THREADS.
//   *_kernel3                          the same engine compiled per layer (conv2d_specialised.cu).
//   conv2d_split_reduce_kernel1        out = Σ_s parts[s] (+ b, ReLU), or out += Σ_s parts[s] (backward
//                                      passes); parts[s] in the output's layout. grid-stride, block 256.
// Grid of the kernel2 family: (ceil(N_gemm / BN), ceil(M / BM), splits); `chunk` is the k range of one split
// (a multiple of 8; at least K when there is one split).
#include "common.cuh"
#include "conv2d_tiled.cuh"

// ---- version 1: naive ----------------------------------------------------------------------------

__device__ __forceinline__ void conv_forward_direct(float* y, const float* x, const float* w, const float* b,
                                                    ConvShape s, bool relu) {
    GRID_STRIDE_LOOP(i, (long)s.N * s.OC * s.OH * s.OW) {
        const int ow = i % s.OW, oh = (i / s.OW) % s.OH, oc = (i / ((long)s.OW * s.OH)) % s.OC;
        const int n = i / ((long)s.OW * s.OH * s.OC);
        float sum = b ? b[oc] : 0.0f;
        for (int c = 0; c < s.C; c++)
            for (int kh = 0; kh < s.K; kh++)
                for (int kw = 0; kw < s.K; kw++) {
                    const int ih = oh * s.S - s.P + kh, iw = ow * s.S - s.P + kw;
                    if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
                    sum += x[(((long)n * s.C + c) * s.H + ih) * s.W + iw] * w[((oc * s.C + c) * s.K + kh) * s.K + kw];
                }
        y[i] = relu ? nanRelu(sum) : sum;
    }
}

KERNEL void conv2d_forward_kernel1(float* y, const float* x, const float* w, const float* b,
                                   int N, int C, int H, int W, int OC, int K, int S, int P) {
    conv_forward_direct(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), false);
}

KERNEL void conv2d_bias_relu_forward_kernel1(float* y, const float* x, const float* w, const float* b,
                                             int N, int C, int H, int W, int OC, int K, int S, int P) {
    conv_forward_direct(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), true);
}

KERNEL void conv2d_backward_data_kernel1(float* dx, const float* dy, const float* w,
                                         int N, int C, int H, int W, int OC, int K, int S, int P) {
    const ConvShape s = conv_shape(N, C, H, W, OC, K, S, P);
    GRID_STRIDE_LOOP(i, (long)N * C * H * W) {
        const int iw = i % W, ih = (i / W) % H, c = (i / ((long)W * H)) % C;
        const int n = i / ((long)W * H * C);
        float sum = 0.0f;
        for (int oc = 0; oc < OC; oc++)
            for (int kh = 0; kh < K; kh++)
                for (int kw = 0; kw < K; kw++) {
                    const int th = ih + P - kh, tw = iw + P - kw; // = oh·S, ow·S
                    if (th < 0 || tw < 0 || th % S != 0 || tw % S != 0) continue;
                    const int oh = th / S, ow = tw / S;
                    if (oh >= s.OH || ow >= s.OW) continue;
                    sum += dy[(((long)n * OC + oc) * s.OH + oh) * s.OW + ow] * w[((oc * C + c) * K + kh) * K + kw];
                }
        dx[i] += sum;
    }
}

KERNEL void conv2d_backward_weight_kernel1(float* dw, const float* dy, const float* x,
                                           int N, int C, int H, int W, int OC, int K, int S, int P) {
    const ConvShape s = conv_shape(N, C, H, W, OC, K, S, P);
    GRID_STRIDE_LOOP(i, (long)OC * C * K * K) {
        const int kw = i % K, kh = (i / K) % K, c = (i / (K * K)) % C, oc = i / (K * K * C);
        float sum = 0.0f;
        for (int n = 0; n < N; n++)
            for (int oh = 0; oh < s.OH; oh++)
                for (int ow = 0; ow < s.OW; ow++) {
                    const int ih = oh * S - P + kh, iw = ow * S - P + kw;
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                    sum += dy[(((long)n * OC + oc) * s.OH + oh) * s.OW + ow] * x[(((long)n * C + c) * H + ih) * W + iw];
                }
        dw[i] += sum;
    }
}

// ---- version 2: implicit GEMM, one entry point per tile ------------------------------------------
// The fused inference op (conv2d_bias_relu_forward) runs the forward kernels with relu = 1. Each entry sits
// on its own lines: NVRTC 11.8's sm_90 code generator crashes (with -lineinfo) when this much inlined code
// comes from the line of the kernel's signature, so these are written out rather than generated by a macro.
#define CONV_FORWARD_ARGS float* y, float* parts, const float* x, const float* w, const float* b, int N, int C, int H, int W, int OC, int K, int S, int P, int chunk, int relu
#define CONV_DATA_ARGS float* dx, float* parts, const float* dy, const float* w, int N, int C, int H, int W, int OC, int K, int S, int P, int chunk
#define CONV_WEIGHT_ARGS float* dw, float* parts, const float* dy, const float* x, int N, int C, int H, int W, int OC, int K, int S, int P, int chunk

KERNEL __launch_bounds__(CONV_TILE_THREADS(16, 32)) void conv2d_forward_kernel2_bm16_bn32(CONV_FORWARD_ARGS) {
    TILE_SHARED(16, 32);
    conv_forward_tiled<16, 32>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(16, 128)) void conv2d_forward_kernel2_bm16_bn128(CONV_FORWARD_ARGS) {
    TILE_SHARED(16, 128);
    conv_forward_tiled<16, 128>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(32, 32)) void conv2d_forward_kernel2_bm32_bn32(CONV_FORWARD_ARGS) {
    TILE_SHARED(32, 32);
    conv_forward_tiled<32, 32>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(32, 128)) void conv2d_forward_kernel2_bm32_bn128(CONV_FORWARD_ARGS) {
    TILE_SHARED(32, 128);
    conv_forward_tiled<32, 128>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(48, 32)) void conv2d_forward_kernel2_bm48_bn32(CONV_FORWARD_ARGS) {
    TILE_SHARED(48, 32);
    conv_forward_tiled<48, 32>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(48, 128)) void conv2d_forward_kernel2_bm48_bn128(CONV_FORWARD_ARGS) {
    TILE_SHARED(48, 128);
    conv_forward_tiled<48, 128>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(64, 32)) void conv2d_forward_kernel2_bm64_bn32(CONV_FORWARD_ARGS) {
    TILE_SHARED(64, 32);
    conv_forward_tiled<64, 32>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(64, 128)) void conv2d_forward_kernel2_bm64_bn128(CONV_FORWARD_ARGS) {
    TILE_SHARED(64, 128);
    conv_forward_tiled<64, 128>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(96, 32)) void conv2d_forward_kernel2_bm96_bn32(CONV_FORWARD_ARGS) {
    TILE_SHARED(96, 32);
    conv_forward_tiled<96, 32>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(96, 128)) void conv2d_forward_kernel2_bm96_bn128(CONV_FORWARD_ARGS) {
    TILE_SHARED(96, 128);
    conv_forward_tiled<96, 128>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(128, 32)) void conv2d_forward_kernel2_bm128_bn32(CONV_FORWARD_ARGS) {
    TILE_SHARED(128, 32);
    conv_forward_tiled<128, 32>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(128, 128)) void conv2d_forward_kernel2_bm128_bn128(CONV_FORWARD_ARGS) {
    TILE_SHARED(128, 128);
    conv_forward_tiled<128, 128>(As, Bs, y, parts, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), relu != 0, chunk);
}

KERNEL __launch_bounds__(CONV_TILE_THREADS(16, 32)) void conv2d_backward_data_kernel2_bm16_bn32(CONV_DATA_ARGS) {
    TILE_SHARED(16, 32);
    conv_backward_data_tiled<16, 32>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(16, 128)) void conv2d_backward_data_kernel2_bm16_bn128(CONV_DATA_ARGS) {
    TILE_SHARED(16, 128);
    conv_backward_data_tiled<16, 128>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(32, 32)) void conv2d_backward_data_kernel2_bm32_bn32(CONV_DATA_ARGS) {
    TILE_SHARED(32, 32);
    conv_backward_data_tiled<32, 32>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(32, 128)) void conv2d_backward_data_kernel2_bm32_bn128(CONV_DATA_ARGS) {
    TILE_SHARED(32, 128);
    conv_backward_data_tiled<32, 128>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(48, 32)) void conv2d_backward_data_kernel2_bm48_bn32(CONV_DATA_ARGS) {
    TILE_SHARED(48, 32);
    conv_backward_data_tiled<48, 32>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(48, 128)) void conv2d_backward_data_kernel2_bm48_bn128(CONV_DATA_ARGS) {
    TILE_SHARED(48, 128);
    conv_backward_data_tiled<48, 128>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(64, 32)) void conv2d_backward_data_kernel2_bm64_bn32(CONV_DATA_ARGS) {
    TILE_SHARED(64, 32);
    conv_backward_data_tiled<64, 32>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(64, 128)) void conv2d_backward_data_kernel2_bm64_bn128(CONV_DATA_ARGS) {
    TILE_SHARED(64, 128);
    conv_backward_data_tiled<64, 128>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(96, 32)) void conv2d_backward_data_kernel2_bm96_bn32(CONV_DATA_ARGS) {
    TILE_SHARED(96, 32);
    conv_backward_data_tiled<96, 32>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(96, 128)) void conv2d_backward_data_kernel2_bm96_bn128(CONV_DATA_ARGS) {
    TILE_SHARED(96, 128);
    conv_backward_data_tiled<96, 128>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(128, 32)) void conv2d_backward_data_kernel2_bm128_bn32(CONV_DATA_ARGS) {
    TILE_SHARED(128, 32);
    conv_backward_data_tiled<128, 32>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(128, 128)) void conv2d_backward_data_kernel2_bm128_bn128(CONV_DATA_ARGS) {
    TILE_SHARED(128, 128);
    conv_backward_data_tiled<128, 128>(As, Bs, dx, parts, dy, w, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}

KERNEL __launch_bounds__(CONV_TILE_THREADS(16, 32)) void conv2d_backward_weight_kernel2_bm16_bn32(CONV_WEIGHT_ARGS) {
    TILE_SHARED(16, 32);
    conv_backward_weight_tiled<16, 32>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(16, 128)) void conv2d_backward_weight_kernel2_bm16_bn128(CONV_WEIGHT_ARGS) {
    TILE_SHARED(16, 128);
    conv_backward_weight_tiled<16, 128>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(32, 32)) void conv2d_backward_weight_kernel2_bm32_bn32(CONV_WEIGHT_ARGS) {
    TILE_SHARED(32, 32);
    conv_backward_weight_tiled<32, 32>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(32, 128)) void conv2d_backward_weight_kernel2_bm32_bn128(CONV_WEIGHT_ARGS) {
    TILE_SHARED(32, 128);
    conv_backward_weight_tiled<32, 128>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(48, 32)) void conv2d_backward_weight_kernel2_bm48_bn32(CONV_WEIGHT_ARGS) {
    TILE_SHARED(48, 32);
    conv_backward_weight_tiled<48, 32>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(48, 128)) void conv2d_backward_weight_kernel2_bm48_bn128(CONV_WEIGHT_ARGS) {
    TILE_SHARED(48, 128);
    conv_backward_weight_tiled<48, 128>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(64, 32)) void conv2d_backward_weight_kernel2_bm64_bn32(CONV_WEIGHT_ARGS) {
    TILE_SHARED(64, 32);
    conv_backward_weight_tiled<64, 32>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(64, 128)) void conv2d_backward_weight_kernel2_bm64_bn128(CONV_WEIGHT_ARGS) {
    TILE_SHARED(64, 128);
    conv_backward_weight_tiled<64, 128>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(96, 32)) void conv2d_backward_weight_kernel2_bm96_bn32(CONV_WEIGHT_ARGS) {
    TILE_SHARED(96, 32);
    conv_backward_weight_tiled<96, 32>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(96, 128)) void conv2d_backward_weight_kernel2_bm96_bn128(CONV_WEIGHT_ARGS) {
    TILE_SHARED(96, 128);
    conv_backward_weight_tiled<96, 128>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(128, 32)) void conv2d_backward_weight_kernel2_bm128_bn32(CONV_WEIGHT_ARGS) {
    TILE_SHARED(128, 32);
    conv_backward_weight_tiled<128, 32>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(CONV_TILE_THREADS(128, 128)) void conv2d_backward_weight_kernel2_bm128_bn128(CONV_WEIGHT_ARGS) {
    TILE_SHARED(128, 128);
    conv_backward_weight_tiled<128, 128>(As, Bs, dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}

// ---- split-K reductions -----------------------------------------------------------------------------

// out = Σ_s parts[s] (+ b[m], ReLU'd when relu), or out += Σ_s when accumulate; parts[s] and out are
// [count / (M·P), M, P] (y, dx) or [M, P] with P = C·K·K (dw). Sums in split order: deterministic.
KERNEL void conv2d_split_reduce_kernel1(float* out, const float* parts, const float* b, long count, int M, int P,
                                        int splits, int relu, int accumulate) {
    GRID_STRIDE_LOOP(i, count) {
        float sum = 0.0f;
        for (int z = 0; z < splits; z++) sum += parts[z * count + i];
        if (accumulate) {
            out[i] += sum;
        } else {
            const float v = sum + (b ? b[(i / P) % M] : 0.0f);
            out[i] = relu ? nanRelu(v) : v;
        }
    }
}
