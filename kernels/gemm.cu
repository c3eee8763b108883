// gemm.cu — row-major SGEMM and the bias kernels of linear layers.
// Shapes: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, every matrix dense and row-major;
// op(A) = A (stored [M,K]) or, with transA, Aᵀ (A stored [K,M]); op(B) = B ([K,N]) or Bᵀ (B stored [N,K]).
// beta = 0 ignores C's old contents (as BLAS does: NaNs there do not leak through).
// Bias kernels: y[N,C,P] and b[C] (P = 1 for a linear layer's [N,OUT], OH·OW for a convolution).
//
// Versions:
//   sgemm_kernel1  naive: one thread per C element, K-loop straight from global memory.
//                  block (32, blockSize/32), grid (ceil(N/32), ceil(M/(blockSize/32))).
//   sgemm_kernel2  shared-memory tiles: 32x32 tiles of op(A) and op(B) staged in shared memory (loaded
//                  coalesced whatever the transposition), each thread computes 4 elements of a column.
//                  block (32, 8), grid (ceil(N/32), ceil(M/32)).
//   sgemm_kernel3  register-blocked 128x128x8 tiles (tile_gemm.cuh): 256 threads, 8x8 outputs each,
//                  float4 global loads where the row length allows, A transposed in shared memory,
//                  double buffering. block 256, grid (ceil(N/128), ceil(M/128)).
//   bias_forward_kernel1   y[n,c,p] += b[c]; grid-stride, block 256.
//   bias_backward_kernel1  db[c] += Σ_{n,p} dy[n,c,p]; one block per channel (a fixed-order tree
//                          reduction, so deterministic), block 256 (a power of two).
#include "common.cuh"
#include "tile_gemm.cuh"

// op(A)[i,p] and op(B)[p,j] of dense row-major operands.
__device__ __forceinline__ float op_a(const float* A, int M, int K, int transA, int i, int p) {
    return transA ? A[(long)p * M + i] : A[(long)i * K + p];
}
__device__ __forceinline__ float op_b(const float* B, int N, int K, int transB, int p, int j) {
    return transB ? B[(long)j * K + p] : B[(long)p * N + j];
}

// C = alpha·acc + beta·C, where beta = 0 never reads C.
__device__ __forceinline__ float gemm_result(float acc, float alpha, float beta, const float* c) {
    return beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
}

KERNEL void sgemm_kernel1(float* C, const float* A, const float* B, int M, int N, int K,
                          float alpha, float beta, int transA, int transB) {
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    const int i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= M || j >= N) return;
    float acc = 0.0f;
    for (int p = 0; p < K; p++) acc += op_a(A, M, K, transA, i, p) * op_b(B, N, K, transB, p, j);
    float* c = C + (long)i * N + j;
    *c = gemm_result(acc, alpha, beta, c);
}

#define SGEMM2_TILE 32
#define SGEMM2_ROWS 8 // threadIdx.y range: each thread computes TILE / ROWS = 4 elements

KERNEL __launch_bounds__(SGEMM2_TILE * SGEMM2_ROWS)
void sgemm_kernel2(float* C, const float* A, const float* B, int M, int N, int K,
                   float alpha, float beta, int transA, int transB) {
    // As[i][p] = op(A)[i0+i][k0+p], Bs[p][j] = op(B)[k0+p][j0+j]; +1 column so column reads miss no bank.
    __shared__ float As[SGEMM2_TILE][SGEMM2_TILE + 1];
    __shared__ float Bs[SGEMM2_TILE][SGEMM2_TILE + 1];
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int i0 = blockIdx.y * SGEMM2_TILE, j0 = blockIdx.x * SGEMM2_TILE;
    float acc[SGEMM2_TILE / SGEMM2_ROWS] = {};

    for (int k0 = 0; k0 < K; k0 += SGEMM2_TILE) {
        // The thread index that runs along memory (tx) follows each operand's contiguous dimension.
        for (int r = ty; r < SGEMM2_TILE; r += SGEMM2_ROWS) {
            int i = transA ? tx : r, p = transA ? r : tx;
            As[i][p] = (i0 + i < M && k0 + p < K) ? op_a(A, M, K, transA, i0 + i, k0 + p) : 0.0f;
            int q = transB ? tx : r, j = transB ? r : tx;
            Bs[q][j] = (k0 + q < K && j0 + j < N) ? op_b(B, N, K, transB, k0 + q, j0 + j) : 0.0f;
        }
        __syncthreads();
        for (int p = 0; p < SGEMM2_TILE; p++) {
            const float b = Bs[p][tx];
#pragma unroll
            for (int q = 0; q < SGEMM2_TILE / SGEMM2_ROWS; q++) acc[q] += As[ty + q * SGEMM2_ROWS][p] * b;
        }
        __syncthreads();
    }
#pragma unroll
    for (int q = 0; q < SGEMM2_TILE / SGEMM2_ROWS; q++) {
        const int i = i0 + ty + q * SGEMM2_ROWS, j = j0 + tx;
        if (i < M && j < N) {
            float* c = C + (long)i * N + j;
            *c = gemm_result(acc[q], alpha, beta, c);
        }
    }
}

// ---- sgemm_kernel3 -------------------------------------------------------------------------------

#define SGEMM3_BM 128
#define SGEMM3_BN 128
#define SGEMM3_THREADS (TileShape<SGEMM3_BM, SGEMM3_BN>::THREADS)

// vec flags (set by the host when every row start is 16-byte aligned: base aligned, row length % 4 == 0)
#define SGEMM_VEC_A 1
#define SGEMM_VEC_B 2
#define SGEMM_VEC_C 4

// Four consecutive floats p[0..3] of a row whose valid entries are index start .. limit-1 (zeros beyond;
// none at all when !rowValid): one float4 load when all four are inside and the row allows it.
__device__ __forceinline__ float4 load4_guarded(const float* p, bool rowValid, int start, int limit, bool vec) {
    if (rowValid && vec && start + 3 < limit) return *reinterpret_cast<const float4*>(p);
    float4 v;
    v.x = rowValid && start + 0 < limit ? p[0] : 0.0f;
    v.y = rowValid && start + 1 < limit ? p[1] : 0.0f;
    v.z = rowValid && start + 2 < limit ? p[2] : 0.0f;
    v.w = rowValid && start + 3 < limit ? p[3] : 0.0f;
    return v;
}

// Loads the op(A) and op(B) tiles of one k step as float4 runs along each operand's contiguous
// dimension: along k for A (and Bᵀ), along m for Aᵀ, along n for B. Runs along k are stored transposed.
template <int BM, int BN, int THREADS>
struct GemmTileLoader {
    static constexpr int A_RUNS = BM * TILE_BK / 4 / THREADS; // float4 runs per thread
    static constexpr int B_RUNS = BN * TILE_BK / 4 / THREADS;
    static_assert(A_RUNS >= 1 && B_RUNS >= 1, "a tile must give every thread at least one float4 of A and of B");

    const float* A;
    const float* B;
    int M, N, K, m0, n0;
    bool transA, transB, vecA, vecB;
    float4 a[A_RUNS], b[B_RUNS];

    __device__ void load(int k0) {
#pragma unroll
        for (int r = 0; r < A_RUNS; r++) {
            const int e = threadIdx.x + r * THREADS;
            if (!transA) { // run of 4 along k in row m: e = m·(BK/4) + k/4
                const int m = m0 + e / (TILE_BK / 4), k = k0 + (e % (TILE_BK / 4)) * 4;
                a[r] = load4_guarded(A + (long)m * K + k, m < M, k, K, vecA);
            } else {       // run of 4 along m in row k of the stored [K,M]: e = k·(BM/4) + m/4
                const int k = k0 + e / (BM / 4), m = m0 + (e % (BM / 4)) * 4;
                a[r] = load4_guarded(A + (long)k * M + m, k < K, m, M, vecA);
            }
        }
#pragma unroll
        for (int r = 0; r < B_RUNS; r++) {
            const int e = threadIdx.x + r * THREADS;
            if (!transB) { // run of 4 along n in row k
                const int k = k0 + e / (BN / 4), n = n0 + (e % (BN / 4)) * 4;
                b[r] = load4_guarded(B + (long)k * N + n, k < K, n, N, vecB);
            } else {       // run of 4 along k in row n of the stored [N,K]
                const int n = n0 + e / (TILE_BK / 4), k = k0 + (e % (TILE_BK / 4)) * 4;
                b[r] = load4_guarded(B + (long)n * K + k, n < N, k, K, vecB);
            }
        }
    }

    __device__ void store(float* As, float* Bs) const {
        constexpr int LDA = BM + TILE_PAD, LDB = BN + TILE_PAD;
#pragma unroll
        for (int r = 0; r < A_RUNS; r++) {
            const int e = threadIdx.x + r * THREADS;
            if (!transA) {
                const int m = e / (TILE_BK / 4), k = (e % (TILE_BK / 4)) * 4;
                As[(k + 0) * LDA + m] = a[r].x;
                As[(k + 1) * LDA + m] = a[r].y;
                As[(k + 2) * LDA + m] = a[r].z;
                As[(k + 3) * LDA + m] = a[r].w;
            } else {
                const int k = e / (BM / 4), m = (e % (BM / 4)) * 4;
                *reinterpret_cast<float4*>(As + k * LDA + m) = a[r];
            }
        }
#pragma unroll
        for (int r = 0; r < B_RUNS; r++) {
            const int e = threadIdx.x + r * THREADS;
            if (!transB) {
                const int k = e / (BN / 4), n = (e % (BN / 4)) * 4;
                *reinterpret_cast<float4*>(Bs + k * LDB + n) = b[r];
            } else {
                const int n = e / (TILE_BK / 4), k = (e % (TILE_BK / 4)) * 4;
                Bs[(k + 0) * LDB + n] = b[r].x;
                Bs[(k + 1) * LDB + n] = b[r].y;
                Bs[(k + 2) * LDB + n] = b[r].z;
                Bs[(k + 3) * LDB + n] = b[r].w;
            }
        }
    }
};

// C[m][n..n+3] = alpha·v + beta·C, one float4 store where the row allows it.
struct GemmEpilogue {
    float* C;
    int M, N;
    float alpha, beta;
    bool vecC;

    __device__ void row4(int m, int n, float v0, float v1, float v2, float v3) const {
        if (m >= M || n >= N) return;
        float* c = C + (long)m * N + n;
        if (vecC && n + 3 < N) {
            float4 r = make_float4(alpha * v0, alpha * v1, alpha * v2, alpha * v3);
            if (beta != 0.0f) {
                const float4 old = *reinterpret_cast<const float4*>(c);
                r.x += beta * old.x; r.y += beta * old.y; r.z += beta * old.z; r.w += beta * old.w;
            }
            *reinterpret_cast<float4*>(c) = r;
            return;
        }
        const float v[4] = {v0, v1, v2, v3};
        for (int j = 0; j < 4 && n + j < N; j++) c[j] = gemm_result(v[j], alpha, beta, c + j);
    }
};

KERNEL __launch_bounds__(SGEMM3_THREADS, 2)
void sgemm_kernel3(float* C, const float* A, const float* B, int M, int N, int K,
                   float alpha, float beta, int transA, int transB, int vec) {
    TILE_SHARED(SGEMM3_BM, SGEMM3_BN);
    const int m0 = blockIdx.y * SGEMM3_BM, n0 = blockIdx.x * SGEMM3_BN;
    GemmTileLoader<SGEMM3_BM, SGEMM3_BN, SGEMM3_THREADS> loader;
    loader.A = A; loader.B = B;
    loader.M = M; loader.N = N; loader.K = K; loader.m0 = m0; loader.n0 = n0;
    loader.transA = transA != 0; loader.transB = transB != 0;
    loader.vecA = (vec & SGEMM_VEC_A) != 0; loader.vecB = (vec & SGEMM_VEC_B) != 0;
    const GemmEpilogue epilogue{C, M, N, alpha, beta, (vec & SGEMM_VEC_C) != 0};
    tile_gemm<SGEMM3_BM, SGEMM3_BN>(As, Bs, loader, epilogue, m0, n0, 0, K);
}

// ---- bias ----------------------------------------------------------------------------------------

KERNEL void bias_forward_kernel1(float* y, const float* b, int N, int C, int P) {
    GRID_STRIDE_LOOP(i, (long)N * C * P) {
        y[i] += b[(i / P) % C];
    }
}

#define BIAS_BACKWARD_THREADS 256

KERNEL __launch_bounds__(BIAS_BACKWARD_THREADS)
void bias_backward_kernel1(float* db, const float* dy, int N, int C, int P) {
    __shared__ float partial[BIAS_BACKWARD_THREADS];
    const int c = blockIdx.x;
    float sum = 0.0f;
    // One flat loop over (n, p): coalesced along p when planes are large, parallel over n when P = 1.
    for (long i = threadIdx.x; i < (long)N * P; i += BIAS_BACKWARD_THREADS) {
        const long n = i / P, p = i - n * P;
        sum += dy[(n * C + c) * P + p];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = BIAS_BACKWARD_THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) db[c] += partial[0];
}
