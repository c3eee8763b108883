// gather.cu — gather and scatter-add along one dimension (channel compaction for pruning, and its backward).
// Shapes: the tensor is viewed as [OUTER, D, INNER] around the indexed dimension (OUTER = product of the
// dimensions before it, INNER = product of those after); indices [I] int32 in [0, D), on the device.
//   index_select:  dst[o, i, r] = src[o, indices[i], r]      dst [OUTER, I, INNER]   CpuReference.IndexSelect
//   index_add:     dst[o, indices[i], r] += src[o, i, r]     src [OUTER, I, INNER]   CpuReference.IndexAdd
// index_add's threads write dst without atomics, so the indices must be unique (they are in pruning: a
// kept channel appears once); the backend checks that on the host and refuses repeated indices.
// Element types: a gather moves bits, so float32 and int32 share the 4-byte kernel and uint8 has a 1-byte
// one; a scatter-add adds, so it has one kernel per type.
//
// Ops and versions (one thread per element of the smaller tensor, grid-stride):
//   index_select_kernel1      4-byte elements (float32, int32)
//   index_select_u8_kernel1   1-byte elements (uint8)
//   index_add_kernel1         float32
//   index_add_i32_kernel1     int32
//   index_add_u8_kernel1      uint8 (wraps modulo 256, as byte addition does on the host)
//
// Launch: 1-D, any block size. Indices are 32-bit: both tensors hold fewer than 2^31 elements.
#include "common.cuh"
#include "flat_loops.cuh"

template <class T>
static __device__ __forceinline__ void indexSelect(T* __restrict__ dst, const T* __restrict__ src, const int* __restrict__ indices,
                                                   int D, int I, int inner, int total) {
    GRID_STRIDE_LOOP_U32(i, total) {
        const int r = i % inner, k = i / inner % I, o = i / inner / I;
        dst[i] = src[((long)o * D + indices[k]) * inner + r];
    }
}

template <class T>
static __device__ __forceinline__ void indexAdd(T* __restrict__ dst, const T* __restrict__ src, const int* __restrict__ indices,
                                                int D, int I, int inner, int total) {
    GRID_STRIDE_LOOP_U32(i, total) {
        const int r = i % inner, k = i / inner % I, o = i / inner / I;
        T* d = dst + ((long)o * D + indices[k]) * inner + r;
        *d = (T)(*d + src[i]);
    }
}

KERNEL void index_select_kernel1(unsigned* dst, const unsigned* src, const int* indices, int D, int I, int inner, int total) {
    indexSelect(dst, src, indices, D, I, inner, total);
}

KERNEL void index_select_u8_kernel1(unsigned char* dst, const unsigned char* src, const int* indices, int D, int I, int inner, int total) {
    indexSelect(dst, src, indices, D, I, inner, total);
}

KERNEL void index_add_kernel1(float* dst, const float* src, const int* indices, int D, int I, int inner, int total) {
    indexAdd(dst, src, indices, D, I, inner, total);
}

KERNEL void index_add_i32_kernel1(int* dst, const int* src, const int* indices, int D, int I, int inner, int total) {
    indexAdd(dst, src, indices, D, I, inner, total);
}

KERNEL void index_add_u8_kernel1(unsigned char* dst, const unsigned char* src, const int* indices, int D, int I, int inner, int total) {
    indexAdd(dst, src, indices, D, I, inner, total);
}
