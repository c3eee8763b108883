// elementwise.cu — elementwise ops over flat float arrays.
// Shapes: every array holds n floats, contiguous, 16-byte aligned (flat_loops.cuh), so version 2 may
// read and write float4s.
// An op that updates in place reads each element before the same thread writes it.
//
// Ops (CPU twins: CpuReference.<Name>):
//   relu_forward        y = nanRelu(x)               (NaN stays NaN)        ReluForward
//   relu_backward       dx += y > 0 ? dy : 0         (y NaN: 0, as PyTorch) ReluBackward
//   add                 out = a + b                                         Add
//   add_in_place        dst += alpha · src                                  AddInPlace
//   scale               out = inp · s                (in place: out == inp) Scale
//   add_l1_subgradient  grad += lambda · sign(param) (sign(0) = sign(NaN) = 0)  AddL1Subgradient
//
// Versions (every op has both):
//   <op>_kernel1  one float per thread per step, grid-stride loop
//   <op>_kernel2  one float4 per thread per step (16-byte loads and stores), then the n % 4 tail one
//                 float per thread: a quarter of version 1's load/store instructions and loop overhead
//
// Launch: 1-D, any block size; a grid of about one wave of resident blocks (the loops cover the rest).
#include "common.cuh"
#include "flat_loops.cuh"

static __device__ __forceinline__ float relu(float x) { return nanRelu(x); }
static __device__ __forceinline__ float reluGrad(float dy, float y) { return y > 0.0f ? dy : 0.0f; }
static __device__ __forceinline__ float sign(float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); }

// ---------------------------------------------------------------- relu_forward

KERNEL void relu_forward_kernel1(float* __restrict__ y, const float* __restrict__ x, long n) {
    GRID_STRIDE_LOOP(i, n) {
        y[i] = relu(x[i]);
    }
}

KERNEL void relu_forward_kernel2(float* __restrict__ y, const float* __restrict__ x, long n) {
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 v = load4(x, i);
        store4(y, i, make_float4(relu(v.x), relu(v.y), relu(v.z), relu(v.w)));
    }
    TAIL_LOOP(i, n) {
        y[i] = relu(x[i]);
    }
}

// ---------------------------------------------------------------- relu_backward

KERNEL void relu_backward_kernel1(float* __restrict__ dx, const float* __restrict__ dy, const float* __restrict__ y, long n) {
    GRID_STRIDE_LOOP(i, n) {
        dx[i] += reluGrad(dy[i], y[i]);
    }
}

KERNEL void relu_backward_kernel2(float* __restrict__ dx, const float* __restrict__ dy, const float* __restrict__ y, long n) {
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 g = load4(dy, i), v = load4(y, i), d = load4(dx, i);
        store4(dx, i, make_float4(d.x + reluGrad(g.x, v.x), d.y + reluGrad(g.y, v.y), d.z + reluGrad(g.z, v.z), d.w + reluGrad(g.w, v.w)));
    }
    TAIL_LOOP(i, n) {
        dx[i] += reluGrad(dy[i], y[i]);
    }
}

// ---------------------------------------------------------------- add

KERNEL void add_kernel1(float* out, const float* a, const float* b, long n) {
    GRID_STRIDE_LOOP(i, n) {
        out[i] = a[i] + b[i];
    }
}

KERNEL void add_kernel2(float* __restrict__ out, const float* __restrict__ a, const float* __restrict__ b, long n) {
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 u = load4(a, i), v = load4(b, i);
        store4(out, i, make_float4(u.x + v.x, u.y + v.y, u.z + v.z, u.w + v.w));
    }
    TAIL_LOOP(i, n) {
        out[i] = a[i] + b[i];
    }
}

// ---------------------------------------------------------------- add_in_place (no __restrict__: src may be dst)

KERNEL void add_in_place_kernel1(float* dst, const float* src, float alpha, long n) {
    GRID_STRIDE_LOOP(i, n) {
        dst[i] += alpha * src[i];
    }
}

KERNEL void add_in_place_kernel2(float* dst, const float* src, float alpha, long n) {
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 d = load4(dst, i), s = load4(src, i);
        store4(dst, i, make_float4(d.x + alpha * s.x, d.y + alpha * s.y, d.z + alpha * s.z, d.w + alpha * s.w));
    }
    TAIL_LOOP(i, n) {
        dst[i] += alpha * src[i];
    }
}

// ---------------------------------------------------------------- scale (no __restrict__: out may be inp)

KERNEL void scale_kernel1(float* out, const float* inp, float s, long n) {
    GRID_STRIDE_LOOP(i, n) {
        out[i] = inp[i] * s;
    }
}

KERNEL void scale_kernel2(float* out, const float* inp, float s, long n) {
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 v = load4(inp, i);
        store4(out, i, make_float4(v.x * s, v.y * s, v.z * s, v.w * s));
    }
    TAIL_LOOP(i, n) {
        out[i] = inp[i] * s;
    }
}

// ---------------------------------------------------------------- add_l1_subgradient

KERNEL void add_l1_subgradient_kernel1(float* __restrict__ grad, const float* __restrict__ param, float lambda, long n) {
    GRID_STRIDE_LOOP(i, n) {
        grad[i] += lambda * sign(param[i]);
    }
}

KERNEL void add_l1_subgradient_kernel2(float* __restrict__ grad, const float* __restrict__ param, float lambda, long n) {
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 g = load4(grad, i), p = load4(param, i);
        store4(grad, i, make_float4(g.x + lambda * sign(p.x), g.y + lambda * sign(p.y), g.z + lambda * sign(p.z), g.w + lambda * sign(p.w)));
    }
    TAIL_LOOP(i, n) {
        grad[i] += lambda * sign(param[i]);
    }
}
