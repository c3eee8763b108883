// tile_gemm.cuh — the register-blocked, double-buffered tile engine behind sgemm_kernel3 and the
// implicit-GEMM convolutions (conv2d_tiled.cuh). Include after common.cuh.
//
// It computes, for one block, the BM x BN tile of C = A · B that starts at (m0, n0), summing k over
// [kBegin, kEnd) (a split of K when the reduction is spread over blocks), and hands every finished
// element to an epilogue. Where A and B come from is the Loader's business: plain matrices (gemm.cu)
// or the im2col view of an image gathered on the fly (conv2d_tiled.cuh).
//
// Design (the well-known SGEMM progression: shared-memory tiles → 2-D register blocking → vectorised
// shared-memory reads → double buffering):
//   * TileShape<BM, BN>: each thread owns a TM x 8 tile of C in registers, TM = 8 when BM is a multiple
//     of 8 and at least 32, else 4; TY = BM / TM threads along m, TX = BN / 8 along n,
//     THREADS = TY · TX. Thread (ty, tx) owns
//       rows    ty·4 + i  and, when TM = 8, ty·4 + BM/2 + i      (i < 4)
//       columns tx·4 + j  and            tx·4 + BN/2 + j        (j < 4)
//     so each k step reads its A and B fragments with two to four float4 loads from shared memory
//     and does TM·8 FMAs with them. BM is a multiple of 4 (of 8 when TM = 8), BN one of 32, 64, 128.
//   * Where the shape allows, a warp is WY x WX threads (WX = min(TX, 8), WY = 32 / WX): its float4
//     reads of As hit WY addresses and of Bs WX consecutive ones, one shared-memory wavefront each
//     (broadcast, no bank conflict). Other shapes (few threads, TY not a multiple of WY) number the
//     threads row by row: still correct, a little slower.
//   * Per step of BK = 8 along k, As holds the A tile transposed (As[k][m], so the m-fragment is
//     contiguous) and Bs the B tile (Bs[k][n]). Two buffers: while step t is multiplied out of one, the
//     tile of step t+1 is loaded from global memory into registers (latency hidden behind the FMAs) and
//     stored into the other, so there is one __syncthreads per step.
//   * Rows of As and Bs are padded by 4 floats: float4 alignment is kept and the transposing stores of
//     the loaders spread over the banks.
//   * The shared arrays are declared by the kernel (TILE_SHARED) and passed in: declared in the kernel's
//     body, the emulator poisons them at every block start and counts them against the 48 KiB.
//
// Loader concept (one object per thread):
//   void load(int k0);                         // tile k0 .. k0+BK-1 from global memory into registers,
//                                              // zeros outside the matrices and at k >= kEnd
//   void store(float* As, float* Bs) const;    // registers → As[k·(BM+PAD) + m], Bs[k·(BN+PAD) + n]
// Epilogue concept:
//   void row4(int m, int n, float v0, float v1, float v2, float v3) const;
//       // C[m][n .. n+3] = v0..v3; it checks m and n against the matrix (tiles overhang the edges)
#pragma once

#define TILE_BK 8
#define TILE_PAD 4

// A test hook, never set in production: the emulator's tests compile a module variant with the main loop's
// barrier dropped and show that the race is caught (shared tiles declared in the kernel body are poisoned).
#ifndef TILE_GEMM_DROP_BARRIER
#define TILE_GEMM_DROP_BARRIER 0
#endif

template <int BM, int BN>
struct TileShape {
    static constexpr int TM = (BM % 8 == 0 && BM >= 32) ? 8 : 4;
    static constexpr int TY = BM / TM, TX = BN / 8;
    static constexpr int THREADS = TY * TX;
    static constexpr int LDA = BM + TILE_PAD, LDB = BN + TILE_PAD;
    static constexpr int A_FLOATS = 2 * TILE_BK * LDA, B_FLOATS = 2 * TILE_BK * LDB; // two buffers each
    // The warp layout of the design notes, where it fits.
    static constexpr int WX = TX < 8 ? TX : 8, WY = 32 / WX;
    static constexpr bool WARP_TILED = THREADS % 32 == 0 && TY % WY == 0 && TX % WX == 0;
    static_assert(BM % 4 == 0 && BM >= 4 && BM <= 128, "BM is a multiple of 4 up to 128");
    static_assert(BN == 32 || BN == 64 || BN == 128, "BN is 32, 64 or 128");
    static_assert(BM % TM == 0, "whole thread rows");
};

// The kernel's shared tiles for TileShape<BM, BN>: float As[], Bs[] in the kernel's body.
#define TILE_SHARED(BM, BN)                                                  \
    __shared__ __align__(16) float As[TileShape<BM, BN>::A_FLOATS];          \
    __shared__ __align__(16) float Bs[TileShape<BM, BN>::B_FLOATS]

// The thread's (ty, tx) in the layout above.
template <int BM, int BN>
__device__ __forceinline__ void tile_thread_position(int& ty, int& tx) {
    typedef TileShape<BM, BN> T;
    if constexpr (T::WARP_TILED) {
        constexpr int WARPS_N = T::TX / T::WX;
        const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
        ty = (warp / WARPS_N) * T::WY + lane / T::WX;
        tx = (warp % WARPS_N) * T::WX + lane % T::WX;
    } else {
        ty = threadIdx.x / T::TX;
        tx = threadIdx.x % T::TX;
    }
}

template <int BM, int BN, class Loader, class Epilogue>
__device__ __forceinline__ void tile_gemm(float* As, float* Bs, Loader& loader, const Epilogue& epilogue,
                                          int m0, int n0, int kBegin, int kEnd) {
    typedef TileShape<BM, BN> T;
    constexpr int TM = T::TM, LDA = T::LDA, LDB = T::LDB;

    int ty, tx;
    tile_thread_position<BM, BN>(ty, tx);

    float acc[TM][8];
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < 8; j++) acc[i][j] = 0.0f;

    int buffer = 0;
    if (kBegin < kEnd) {
        loader.load(kBegin);
        loader.store(As, Bs);
    }
    __syncthreads();
    for (int k0 = kBegin; k0 < kEnd; k0 += TILE_BK) {
        const bool more = k0 + TILE_BK < kEnd;
        if (more) loader.load(k0 + TILE_BK); // in flight while the FMAs below run
        const float* as = As + buffer * TILE_BK * LDA;
        const float* bs = Bs + buffer * TILE_BK * LDB;
#pragma unroll
        for (int k = 0; k < TILE_BK; k++) {
            float a[TM], b[8];
            const float4 a0 = *reinterpret_cast<const float4*>(as + k * LDA + ty * 4);
            a[0] = a0.x; a[1] = a0.y; a[2] = a0.z; a[3] = a0.w;
            if constexpr (TM == 8) {
                const float4 a1 = *reinterpret_cast<const float4*>(as + k * LDA + ty * 4 + BM / 2);
                a[4] = a1.x; a[5] = a1.y; a[6] = a1.z; a[7] = a1.w;
            }
            const float4 b0 = *reinterpret_cast<const float4*>(bs + k * LDB + tx * 4);
            const float4 b1 = *reinterpret_cast<const float4*>(bs + k * LDB + tx * 4 + BN / 2);
            b[0] = b0.x; b[1] = b0.y; b[2] = b0.z; b[3] = b0.w;
            b[4] = b1.x; b[5] = b1.y; b[6] = b1.z; b[7] = b1.w;
#pragma unroll
            for (int i = 0; i < TM; i++)
#pragma unroll
                for (int j = 0; j < 8; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        if (more) loader.store(As + (buffer ^ 1) * TILE_BK * LDA, Bs + (buffer ^ 1) * TILE_BK * LDB);
        if (!TILE_GEMM_DROP_BARRIER) __syncthreads(); // the other buffer is full, and nobody reads this one any more
        buffer ^= 1;
    }

#pragma unroll
    for (int i = 0; i < TM; i++) {
        const int m = m0 + ty * 4 + (i % 4) + (i / 4) * (BM / 2);
        epilogue.row4(m, n0 + tx * 4, acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
        epilogue.row4(m, n0 + tx * 4 + BN / 2, acc[i][4], acc[i][5], acc[i][6], acc[i][7]);
    }
}
