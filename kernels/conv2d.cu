// conv2d.cu — 2-D convolution (square kernel, one stride and padding for both axes, groups = 1):
// forward, the fused inference forward (+ bias + ReLU), and the two backward passes.
// Shapes: N = batch, C = input channels, H, W = input height and width, OC = output channels,
// K = kernel size, S = stride, P = padding, OH = (H + 2P - K)/S + 1, OW likewise.
//   x[N,C,H,W]  w[OC,C,K,K]  b[OC] (may be null)  y[N,OC,OH,OW]; dx, dw, dy shaped like x, w, y.
// Backward kernels ACCUMULATE (dx += ..., dw += ...). The bias gradient is bias_backward_kernel1
// (gemm.cu) over dy seen as [N, OC, OH·OW].
//
// Versions:
//   conv2d_forward_kernel1             naive direct convolution: one thread per y element. block 256.
//   conv2d_bias_relu_forward_kernel1   the same with y = max(0, conv + b).
//   conv2d_backward_data_kernel1       naive: one thread per dx element, summing every (oc, kh, kw) whose
//                                      window covers it. block 256.
//   conv2d_backward_weight_kernel1     naive: one thread per dw element, summing over (n, oh, ow). block 256.
//   *_kernel2_bm{128,64,32,16}         implicit GEMM on the tile engine of tile_gemm.cuh (register-blocked,
//                                      double-buffered), never materialising im2col: tiles of the im2col
//                                      matrix are gathered from the image straight into shared memory.
//                                      The suffix is the tile's M size (BN = 128 always), picked per shape
//                                      by the host to fit the channel count and to fill the SMs:
//                                        bm128: 128x128, 8x8 per thread, 256 threads
//                                        bm64:   64x128, 8x8 per thread, 128 threads
//                                        bm32:   32x128, 8x8 per thread,  64 threads
//                                        bm16:   16x128, 4x8 per thread,  64 threads
//     conv2d_forward_kernel2_*           M = OC, N = N·OH·OW, K = C·K·K:  y = w · im2col(x) (+ b).
//     conv2d_bias_relu_forward_kernel2_* the same, epilogue y = max(0, · + b).
//     conv2d_backward_data_kernel2_*     M = C,  N = N·H·W,   K = OC·K·K: dx += wᵀ · col2im view of dy
//                                        (each dx pixel gathers the dy pixels whose windows cover it;
//                                        with stride > 1 the taps that miss the stride grid read zero).
//     conv2d_backward_weight_kernel2_*   M = OC, N = C·K·K,   K = N·OH·OW: dw += dy · im2col(x)ᵀ. The long
//                                        reduction is split over gridDim.z blocks; with one split the block
//                                        adds into dw, with more each writes its partial sum to a workspace
//                                        [splits, OC, C·K·K] that conv2d_backward_weight_reduce_kernel1
//                                        adds into dw in a fixed order (deterministic, no atomics).
//   conv2d_backward_weight_reduce_kernel1  dw[i] += Σ_s parts[s][i]; grid-stride, block 256.
// Grid of the kernel2 family: (ceil(N_gemm / 128), ceil(M / BM), splits).
#include "common.cuh"
#include "tile_gemm.cuh"

struct ConvShape {
    int N, C, H, W, OC, K, S, P, OH, OW;
};

__device__ __forceinline__ ConvShape conv_shape(int N, int C, int H, int W, int OC, int K, int S, int P) {
    return ConvShape{N, C, H, W, OC, K, S, P, (H + 2 * P - K) / S + 1, (W + 2 * P - K) / S + 1};
}

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
        y[i] = relu ? fmaxf(sum, 0.0f) : sum;
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

// ---- version 2: implicit GEMM ----------------------------------------------------------------------

#define CONV_BN 128
// Row or column offsets of a GEMM index that lies outside the matrix: far enough below zero that every
// bounds test fails after adding a kernel offset, never far enough to overflow.
#define CONV_OUTSIDE (-(1 << 28))

// The A tile: A[m][k] = src[m·rowStride + (k / period)·periodStride + k % period] for m < M and k < kEnd,
// zero elsewhere. Covers w as [OC, C·K·K] (forward), w read as [C, OC·K·K] (backward data: period K·K)
// and dy as [OC, N·OH·OW] (backward weight: period OH·OW). Thread t loads k = t % BK, rows t / BK + ...:
// consecutive threads read consecutive k, the contiguous direction of all three.
template <int BM, int THREADS>
struct StridedTileA {
    static constexpr int PER_THREAD = BM * TILE_BK / THREADS;
    static_assert(THREADS % TILE_BK == 0 && PER_THREAD >= 1, "each thread loads whole columns of the A tile");
    const float* src;
    int M, rowStride, period, periodStride, m0, kEnd;
    float v[PER_THREAD];

    __device__ void load(int k0) {
        const int k = k0 + threadIdx.x % TILE_BK;
        const int q = k / period;
        const long kOffset = (long)q * periodStride + (k - q * period);
#pragma unroll
        for (int r = 0; r < PER_THREAD; r++) {
            const int m = m0 + threadIdx.x / TILE_BK + r * (THREADS / TILE_BK);
            v[r] = (k < kEnd && m < M) ? src[(long)m * rowStride + kOffset] : 0.0f;
        }
    }

    __device__ void store(float* As) const {
#pragma unroll
        for (int r = 0; r < PER_THREAD; r++)
            As[(threadIdx.x % TILE_BK) * (BM + TILE_PAD) + threadIdx.x / TILE_BK + r * (THREADS / TILE_BK)] = v[r];
    }
};

// The B tile, gathered: B[k][j] = gather.at(row(k), column(j)). A thread keeps the same columns for the
// whole reduction (their decomposition is done once) and walks its rows incrementally; consecutive
// threads take consecutive columns.
template <int THREADS, class Gather>
struct GatherTileB {
    static constexpr int ACROSS = THREADS < CONV_BN ? THREADS : CONV_BN; // threads along one row of the tile
    static constexpr int COLS = CONV_BN / ACROSS;                        // columns per thread
    static constexpr int ROWS = TILE_BK * ACROSS / THREADS;              // rows per thread
    static_assert(ROWS >= 1, "more threads than elements in a B tile");
    Gather gather;
    typename Gather::Column column[COLS];
    int kEnd;
    float v[ROWS][COLS];

    __device__ void init(int n0) {
#pragma unroll
        for (int i = 0; i < COLS; i++) column[i] = gather.column(n0 + threadIdx.x % ACROSS + i * ACROSS);
    }

    __device__ void load(int k0) {
        const int k = k0 + (threadIdx.x / ACROSS) * ROWS;
        typename Gather::Row row = gather.row(k);
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
#pragma unroll
            for (int i = 0; i < COLS; i++) v[r][i] = k + r < kEnd ? gather.at(row, column[i]) : 0.0f;
            gather.next(row);
        }
    }

    __device__ void store(float* Bs) const {
#pragma unroll
        for (int r = 0; r < ROWS; r++)
#pragma unroll
            for (int i = 0; i < COLS; i++)
                Bs[((threadIdx.x / ACROSS) * ROWS + r) * (CONV_BN + TILE_PAD) + threadIdx.x % ACROSS + i * ACROSS] = v[r][i];
    }
};

template <class LoaderA, class LoaderB>
struct PairLoader {
    LoaderA a;
    LoaderB b;
    __device__ void load(int k0) { a.load(k0); b.load(k0); }
    __device__ void store(float* As, float* Bs) const { a.store(As); b.store(Bs); }
};

// One output pixel's window: its image's offset in x, the input row and column of its top-left tap,
// and (oh, ow) to step to the next pixel.
struct Window {
    int base, h, w, oh, ow;
};

// One kernel tap: the offset of its channel's plane, and (kh, kw).
struct Tap {
    int offset, kh, kw;
};

__device__ __forceinline__ Window window_at(const ConvShape& s, int j, int count) {
    if (j >= count) return Window{0, CONV_OUTSIDE, CONV_OUTSIDE, 0, 0};
    const int ohw = s.OH * s.OW, n = j / ohw, p = j - n * ohw, oh = p / s.OW, ow = p - oh * s.OW;
    return Window{n * s.C * s.H * s.W, oh * s.S - s.P, ow * s.S - s.P, oh, ow};
}

__device__ __forceinline__ void window_next(const ConvShape& s, Window& q) {
    q.w += s.S;
    if (++q.ow < s.OW) return;
    q.ow = 0;
    q.w = -s.P;
    q.h += s.S;
    if (++q.oh < s.OH) return;
    q.oh = 0;
    q.h = -s.P;
    q.base += s.C * s.H * s.W;
}

// Tap k = (c, kh, kw) of a K x K kernel over planes of `plane` elements.
__device__ __forceinline__ Tap tap_at(int k, int count, int K, int plane) {
    if (k >= count) return Tap{0, CONV_OUTSIDE, CONV_OUTSIDE};
    const int kk = K * K, c = k / kk, r = k - c * kk, kh = r / K;
    return Tap{c * plane, kh, r - kh * K};
}

__device__ __forceinline__ void tap_next(Tap& t, int K, int plane) {
    if (++t.kw < K) return;
    t.kw = 0;
    if (++t.kh < K) return;
    t.kh = 0;
    t.offset += plane;
}

// x[n, c, oh·S - P + kh, ow·S - P + kw], zero in the padding.
__device__ __forceinline__ float image_at(const float* x, const ConvShape& s, const Window& q, const Tap& t) {
    const int ih = q.h + t.kh, iw = q.w + t.kw;
    return ((unsigned)ih < (unsigned)s.H && (unsigned)iw < (unsigned)s.W) ? x[q.base + t.offset + ih * s.W + iw] : 0.0f;
}

// Forward: B = im2col(x) [C·K·K, N·OH·OW]; rows are taps, columns are output pixels.
struct ForwardGather {
    typedef Tap Row;
    typedef Window Column;
    const float* x;
    ConvShape s;
    int taps, pixels;
    __device__ Window column(int j) const { return window_at(s, j, pixels); }
    __device__ Tap row(int k) const { return tap_at(k, taps, s.K, s.H * s.W); }
    __device__ void next(Tap& t) const { tap_next(t, s.K, s.H * s.W); }
    __device__ float at(const Tap& t, const Window& q) const { return image_at(x, s, q, t); }
};

// Backward weight: B = im2col(x)ᵀ [N·OH·OW, C·K·K]; rows are output pixels, columns are taps.
struct WeightGather {
    typedef Window Row;
    typedef Tap Column;
    const float* x;
    ConvShape s;
    int taps, pixels;
    __device__ Tap column(int j) const { return tap_at(j, taps, s.K, s.H * s.W); }
    __device__ Window row(int k) const { return window_at(s, k, pixels); }
    __device__ void next(Window& q) const { window_next(s, q); }
    __device__ float at(const Window& q, const Tap& t) const { return image_at(x, s, q, t); }
};

// Backward data: B[(oc, kh, kw), (n, ih, iw)] = dy[n, oc, (ih + P - kh)/S, (iw + P - kw)/S] where that is
// a whole, in-range output pixel, else 0. Columns are input pixels: (dy offset of image n, ih + P, iw + P).
struct DataGather {
    typedef Tap Row;
    struct Column {
        int base, h, w;
    };
    const float* dy;
    ConvShape s;
    int taps, pixels;
    __device__ Column column(int j) const {
        if (j >= pixels) return Column{0, CONV_OUTSIDE, CONV_OUTSIDE};
        const int hw = s.H * s.W, n = j / hw, p = j - n * hw, ih = p / s.W;
        return Column{n * s.OC * s.OH * s.OW, ih + s.P, p - ih * s.W + s.P};
    }
    __device__ Tap row(int k) const { return tap_at(k, taps, s.K, s.OH * s.OW); }
    __device__ void next(Tap& t) const { tap_next(t, s.K, s.OH * s.OW); }
    __device__ float at(const Tap& t, const Column& q) const {
        int oh = q.h - t.kh, ow = q.w - t.kw; // = oh·S, ow·S
        if (oh < 0 || ow < 0) return 0.0f;
        if (s.S != 1) {
            if (oh % s.S != 0 || ow % s.S != 0) return 0.0f;
            oh /= s.S;
            ow /= s.S;
        }
        return (oh < s.OH && ow < s.OW) ? dy[q.base + t.offset + oh * s.OW + ow] : 0.0f;
    }
};

// C[m, j] with j = (n, p) over planes of P elements → out[n, m, p], M planes per image:
// out = v + b[m] (ReLU'd when relu), or out += v when accumulate.
struct PlaneEpilogue {
    float* out;
    const float* bias;
    int M, count, P;
    bool relu, accumulate;

    __device__ void row4(int m, int j, float v0, float v1, float v2, float v3) const {
        if (m >= M || j >= count) return;
        const float v[4] = {v0, v1, v2, v3};
        const float b = bias ? bias[m] : 0.0f;
        int n = j / P, p = j - n * P;
        for (int q = 0; q < 4 && j + q < count; q++) {
            float* o = out + ((long)n * M + m) * P + p;
            if (accumulate) *o += v[q];
            else *o = relu ? fmaxf(v[q] + b, 0.0f) : v[q] + b;
            if (++p == P) { p = 0; n++; }
        }
    }
};

// C[m, j] → out[m·N + j], added (one split: straight into dw) or stored (a split's partial sum).
struct DenseEpilogue {
    float* out;
    int M, N;
    bool accumulate;

    __device__ void row4(int m, int j, float v0, float v1, float v2, float v3) const {
        if (m >= M) return;
        const float v[4] = {v0, v1, v2, v3};
        float* o = out + (long)m * N;
        for (int q = 0; q < 4 && j + q < N; q++) o[j + q] = accumulate ? o[j + q] + v[q] : v[q];
    }
};

template <int BM, int TM>
__device__ __forceinline__ void conv_forward_tiled(float* y, const float* x, const float* w, const float* b,
                                                   ConvShape s, bool relu) {
    constexpr int THREADS = (BM / TM) * (CONV_BN / 8);
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * CONV_BN;
    const int taps = s.C * s.K * s.K, pixels = s.N * s.OH * s.OW;
    PairLoader<StridedTileA<BM, THREADS>, GatherTileB<THREADS, ForwardGather>> loader;
    // A = w as [OC, C·K·K]
    loader.a.src = w; loader.a.M = s.OC; loader.a.rowStride = taps;
    loader.a.period = taps; loader.a.periodStride = 0; loader.a.m0 = m0; loader.a.kEnd = taps;
    loader.b.gather = ForwardGather{x, s, taps, pixels};
    loader.b.kEnd = taps;
    loader.b.init(n0);
    const PlaneEpilogue epilogue{y, b, s.OC, pixels, s.OH * s.OW, relu, false};
    tile_gemm<BM, CONV_BN, TM>(loader, epilogue, m0, n0, 0, taps);
}

template <int BM, int TM>
__device__ __forceinline__ void conv_backward_data_tiled(float* dx, const float* dy, const float* w, ConvShape s) {
    constexpr int THREADS = (BM / TM) * (CONV_BN / 8);
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * CONV_BN;
    const int kk = s.K * s.K, taps = s.OC * kk, pixels = s.N * s.H * s.W;
    PairLoader<StridedTileA<BM, THREADS>, GatherTileB<THREADS, DataGather>> loader;
    // A[c][(oc, r)] = w[oc, c, r]: row c starts at c·K·K, each oc moves C·K·K further.
    loader.a.src = w; loader.a.M = s.C; loader.a.rowStride = kk;
    loader.a.period = kk; loader.a.periodStride = s.C * kk; loader.a.m0 = m0; loader.a.kEnd = taps;
    loader.b.gather = DataGather{dy, s, taps, pixels};
    loader.b.kEnd = taps;
    loader.b.init(n0);
    const PlaneEpilogue epilogue{dx, nullptr, s.C, pixels, s.H * s.W, false, true};
    tile_gemm<BM, CONV_BN, TM>(loader, epilogue, m0, n0, 0, taps);
}

// Split z of gridDim.z covers reduction rows [z·chunk, min((z+1)·chunk, N·OH·OW)); chunk is a multiple of BK.
template <int BM, int TM>
__device__ __forceinline__ void conv_backward_weight_tiled(float* dw, float* parts, const float* dy, const float* x,
                                                           ConvShape s, int chunk) {
    constexpr int THREADS = (BM / TM) * (CONV_BN / 8);
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * CONV_BN;
    const int taps = s.C * s.K * s.K, ohw = s.OH * s.OW, pixels = s.N * ohw;
    const int kBegin = blockIdx.z * chunk, kEnd = min(kBegin + chunk, pixels);
    PairLoader<StridedTileA<BM, THREADS>, GatherTileB<THREADS, WeightGather>> loader;
    // A[oc][(n, p)] = dy[n, oc, p]: row oc starts at oc·OH·OW, each n moves OC·OH·OW further.
    loader.a.src = dy; loader.a.M = s.OC; loader.a.rowStride = ohw;
    loader.a.period = ohw; loader.a.periodStride = s.OC * ohw; loader.a.m0 = m0; loader.a.kEnd = kEnd;
    loader.b.gather = WeightGather{x, s, taps, pixels};
    loader.b.kEnd = kEnd;
    loader.b.init(n0);
    const bool split = gridDim.z > 1;
    const DenseEpilogue epilogue{split ? parts + (long)blockIdx.z * s.OC * taps : dw, s.OC, taps, !split};
    tile_gemm<BM, CONV_BN, TM>(loader, epilogue, m0, n0, kBegin, kEnd);
}

// The entry points, one per op and tile. Each call sits on its own line: NVRTC 11.8's sm_90 code
// generator crashes (with -lineinfo) when this much inlined code comes from the line of the kernel's
// signature, so these are written out rather than generated by a macro.
#define CONV_FORWARD_ARGS float* y, const float* x, const float* w, const float* b, int N, int C, int H, int W, int OC, int K, int S, int P
#define CONV_DATA_ARGS float* dx, const float* dy, const float* w, int N, int C, int H, int W, int OC, int K, int S, int P
#define CONV_WEIGHT_ARGS float* dw, float* parts, const float* dy, const float* x, int N, int C, int H, int W, int OC, int K, int S, int P, int chunk

KERNEL __launch_bounds__(256, 2) void conv2d_forward_kernel2_bm128(CONV_FORWARD_ARGS) {
    conv_forward_tiled<128, 8>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), false);
}
KERNEL __launch_bounds__(128) void conv2d_forward_kernel2_bm64(CONV_FORWARD_ARGS) {
    conv_forward_tiled<64, 8>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), false);
}
KERNEL __launch_bounds__(64) void conv2d_forward_kernel2_bm32(CONV_FORWARD_ARGS) {
    conv_forward_tiled<32, 8>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), false);
}
KERNEL __launch_bounds__(64) void conv2d_forward_kernel2_bm16(CONV_FORWARD_ARGS) {
    conv_forward_tiled<16, 4>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), false);
}

KERNEL __launch_bounds__(256, 2) void conv2d_bias_relu_forward_kernel2_bm128(CONV_FORWARD_ARGS) {
    conv_forward_tiled<128, 8>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), true);
}
KERNEL __launch_bounds__(128) void conv2d_bias_relu_forward_kernel2_bm64(CONV_FORWARD_ARGS) {
    conv_forward_tiled<64, 8>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), true);
}
KERNEL __launch_bounds__(64) void conv2d_bias_relu_forward_kernel2_bm32(CONV_FORWARD_ARGS) {
    conv_forward_tiled<32, 8>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), true);
}
KERNEL __launch_bounds__(64) void conv2d_bias_relu_forward_kernel2_bm16(CONV_FORWARD_ARGS) {
    conv_forward_tiled<16, 4>(y, x, w, b, conv_shape(N, C, H, W, OC, K, S, P), true);
}

KERNEL __launch_bounds__(256, 2) void conv2d_backward_data_kernel2_bm128(CONV_DATA_ARGS) {
    conv_backward_data_tiled<128, 8>(dx, dy, w, conv_shape(N, C, H, W, OC, K, S, P));
}
KERNEL __launch_bounds__(128) void conv2d_backward_data_kernel2_bm64(CONV_DATA_ARGS) {
    conv_backward_data_tiled<64, 8>(dx, dy, w, conv_shape(N, C, H, W, OC, K, S, P));
}
KERNEL __launch_bounds__(64) void conv2d_backward_data_kernel2_bm32(CONV_DATA_ARGS) {
    conv_backward_data_tiled<32, 8>(dx, dy, w, conv_shape(N, C, H, W, OC, K, S, P));
}
KERNEL __launch_bounds__(64) void conv2d_backward_data_kernel2_bm16(CONV_DATA_ARGS) {
    conv_backward_data_tiled<16, 4>(dx, dy, w, conv_shape(N, C, H, W, OC, K, S, P));
}

KERNEL __launch_bounds__(256, 2) void conv2d_backward_weight_kernel2_bm128(CONV_WEIGHT_ARGS) {
    conv_backward_weight_tiled<128, 8>(dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(128) void conv2d_backward_weight_kernel2_bm64(CONV_WEIGHT_ARGS) {
    conv_backward_weight_tiled<64, 8>(dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(64) void conv2d_backward_weight_kernel2_bm32(CONV_WEIGHT_ARGS) {
    conv_backward_weight_tiled<32, 8>(dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}
KERNEL __launch_bounds__(64) void conv2d_backward_weight_kernel2_bm16(CONV_WEIGHT_ARGS) {
    conv_backward_weight_tiled<16, 4>(dw, parts, dy, x, conv_shape(N, C, H, W, OC, K, S, P), chunk);
}

KERNEL void conv2d_backward_weight_reduce_kernel1(float* dw, const float* parts, long count, int splits) {
    GRID_STRIDE_LOOP(i, count) {
        float sum = 0.0f;
        for (int z = 0; z < splits; z++) sum += parts[z * count + i];
        dw[i] += sum;
    }
}
