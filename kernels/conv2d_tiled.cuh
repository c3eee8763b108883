// conv2d_tiled.cuh — the implicit-GEMM convolution (forward, backward data, backward weight) on the tile
// engine of tile_gemm.cuh, shared by the generic kernels of conv2d.cu (version 2: shapes as arguments) and
// the per-shape kernels of conv2d_specialised.cu (version 3: shapes and tile compiled in). Include after
// common.cuh. Shape letters as in conv2d.cu.
//
// The three passes as GEMMs C[M, N] = A[M, K] · B[K, N], B never materialised (gathered from the image
// straight into shared memory):
//   forward          M = OC, N = N·OH·OW, K = C·K·K:   y = w · im2col(x) (+ b, ReLU'd in the fused op)
//   backward data    M = C,  N = N·H·W,   K = OC·K·K:  dx += wᵀ · col2im view of dy (each dx pixel gathers
//                    the dy pixels whose windows cover it; with stride > 1 the taps that miss the grid read 0)
//   backward weight  M = OC, N = C·K·K,   K = N·OH·OW: dw += dy · im2col(x)ᵀ
// Every pass splits its reduction over gridDim.z blocks (split_epilogue); the host plans tile and splits
// (ConvLaunchPlanner). Grid: (ceil(N / BN), ceil(M / BM), splits).
#pragma once
#include "tile_gemm.cuh"

// The threads of a tile, parenthesised for __launch_bounds__ (its comma must not split the argument).
#define CONV_TILE_THREADS(BM, BN) (TileShape<BM, BN>::THREADS)

struct ConvShape {
    int N, C, H, W, OC, K, S, P, OH, OW;
};

__device__ __forceinline__ ConvShape conv_shape(int N, int C, int H, int W, int OC, int K, int S, int P) {
    return ConvShape{N, C, H, W, OC, K, S, P, (H + 2 * P - K) / S + 1, (W + 2 * P - K) / S + 1};
}

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

// The B tile (TILE_BK x BN), gathered: B[k][j] = gather.at(row(k), column(j)). A thread keeps the same
// columns for the whole reduction (their decomposition is done once) and walks its rows incrementally;
// consecutive threads take consecutive columns. The tile is spread over LOADERS threads, the largest power
// of two not above THREADS (so it divides the tile); with 48, 96 or 192 threads the rest load no B.
template <int THREADS, int BN, class Gather>
struct GatherTileB {
    static constexpr int LOADERS = THREADS >= 256 ? 256 : THREADS >= 128 ? 128 : THREADS >= 64 ? 64
                                 : THREADS >= 32 ? 32 : THREADS >= 16 ? 16 : 8;
    static constexpr int ACROSS = LOADERS < BN ? LOADERS : BN; // loaders along one row of the tile
    static constexpr int COLS = BN / ACROSS;                     // columns per loader
    static constexpr int ROWS = TILE_BK * ACROSS / LOADERS;      // rows per loader
    static_assert(ROWS >= 1 && ROWS * LOADERS / ACROSS == TILE_BK, "the loaders cover the B tile exactly");
    Gather gather;
    typename Gather::Column column[COLS];
    int kEnd;
    float v[ROWS][COLS];

    __device__ bool loads() const { return LOADERS == THREADS || threadIdx.x < LOADERS; }

    __device__ void init(int n0) {
        if (!loads()) return;
#pragma unroll
        for (int i = 0; i < COLS; i++) column[i] = gather.column(n0 + threadIdx.x % ACROSS + i * ACROSS);
    }

    __device__ void load(int k0) {
        if (!loads()) return;
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
        if (!loads()) return;
#pragma unroll
        for (int r = 0; r < ROWS; r++)
#pragma unroll
            for (int i = 0; i < COLS; i++)
                Bs[((threadIdx.x / ACROSS) * ROWS + r) * (BN + TILE_PAD) + threadIdx.x % ACROSS + i * ACROSS] = v[r][i];
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

// Where a block's C[m, j] goes: j = (n, p) over planes of P elements → out[n, m, p], M planes per image
// (y, dx; dw is the case P = count, one "image"). The value is v + bias[m] (ReLU'd when relu), or added to
// what is there when accumulate.
struct ConvEpilogue {
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
            else *o = relu ? nanRelu(v[q] + b) : v[q] + b;
            if (++p == P) { p = 0; n++; }
        }
    }
};

// Split-K: block z of gridDim.z sums k over [z·chunk, min((z+1)·chunk, K)) (chunk a multiple of TILE_BK).
// One split writes its final result; with more, each stores its partial sum in the output's own layout
// to parts[z] (no bias, no ReLU), and conv2d_split_reduce_kernel1 adds the splits in a fixed order
// (deterministic, no atomics) and applies bias, ReLU or accumulation. Same code either way: only the
// destination and the flags differ.
__device__ __forceinline__ ConvEpilogue split_epilogue(ConvEpilogue final, float* parts) {
    if (gridDim.z == 1) return final;
    return ConvEpilogue{parts + (long)blockIdx.z * final.M * final.count, nullptr, final.M, final.count, final.P, false, false};
}

template <int BM, int BN>
__device__ __forceinline__ void conv_forward_tiled(float* As, float* Bs, float* y, float* parts, const float* x, const float* w,
                                                   const float* b, ConvShape s, bool relu, int chunk) {
    constexpr int THREADS = TileShape<BM, BN>::THREADS;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const int taps = s.C * s.K * s.K, pixels = s.N * s.OH * s.OW;
    const int kBegin = blockIdx.z * chunk, kEnd = min(kBegin + chunk, taps);
    PairLoader<StridedTileA<BM, THREADS>, GatherTileB<THREADS, BN, ForwardGather>> loader;
    // A = w as [OC, C·K·K]
    loader.a.src = w; loader.a.M = s.OC; loader.a.rowStride = taps;
    loader.a.period = taps; loader.a.periodStride = 0; loader.a.m0 = m0; loader.a.kEnd = kEnd;
    loader.b.gather = ForwardGather{x, s, taps, pixels};
    loader.b.kEnd = kEnd;
    loader.b.init(n0);
    const ConvEpilogue epilogue{y, b, s.OC, pixels, s.OH * s.OW, relu, false};
    tile_gemm<BM, BN>(As, Bs, loader, split_epilogue(epilogue, parts), m0, n0, kBegin, kEnd);
}

template <int BM, int BN>
__device__ __forceinline__ void conv_backward_data_tiled(float* As, float* Bs, float* dx, float* parts, const float* dy,
                                                         const float* w, ConvShape s, int chunk) {
    constexpr int THREADS = TileShape<BM, BN>::THREADS;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const int kk = s.K * s.K, taps = s.OC * kk, pixels = s.N * s.H * s.W;
    const int kBegin = blockIdx.z * chunk, kEnd = min(kBegin + chunk, taps);
    PairLoader<StridedTileA<BM, THREADS>, GatherTileB<THREADS, BN, DataGather>> loader;
    // A[c][(oc, r)] = w[oc, c, r]: row c starts at c·K·K, each oc moves C·K·K further.
    loader.a.src = w; loader.a.M = s.C; loader.a.rowStride = kk;
    loader.a.period = kk; loader.a.periodStride = s.C * kk; loader.a.m0 = m0; loader.a.kEnd = kEnd;
    loader.b.gather = DataGather{dy, s, taps, pixels};
    loader.b.kEnd = kEnd;
    loader.b.init(n0);
    const ConvEpilogue epilogue{dx, nullptr, s.C, pixels, s.H * s.W, false, true};
    tile_gemm<BM, BN>(As, Bs, loader, split_epilogue(epilogue, parts), m0, n0, kBegin, kEnd);
}

template <int BM, int BN>
__device__ __forceinline__ void conv_backward_weight_tiled(float* As, float* Bs, float* dw, float* parts, const float* dy,
                                                           const float* x, ConvShape s, int chunk) {
    constexpr int THREADS = TileShape<BM, BN>::THREADS;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const int taps = s.C * s.K * s.K, ohw = s.OH * s.OW, pixels = s.N * ohw;
    const int kBegin = blockIdx.z * chunk, kEnd = min(kBegin + chunk, pixels);
    PairLoader<StridedTileA<BM, THREADS>, GatherTileB<THREADS, BN, WeightGather>> loader;
    // A[oc][(n, p)] = dy[n, oc, p]: row oc starts at oc·OH·OW, each n moves OC·OH·OW further.
    loader.a.src = dy; loader.a.M = s.OC; loader.a.rowStride = ohw;
    loader.a.period = ohw; loader.a.periodStride = s.OC * ohw; loader.a.m0 = m0; loader.a.kEnd = kEnd;
    loader.b.gather = WeightGather{x, s, taps, pixels};
    loader.b.kEnd = kEnd;
    loader.b.init(n0);
    const ConvEpilogue epilogue{dw, nullptr, s.OC, taps, taps, false, true};
    tile_gemm<BM, BN>(As, Bs, loader, split_epilogue(epilogue, parts), m0, n0, kBegin, kEnd);
}
