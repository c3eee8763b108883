// sgd.cu — one fused SGD step over a flat parameter array: weight decay, momentum (optionally Nesterov)
// and the update in a single pass (one read of param, grad and buffer, one write of param and buffer).
// Shapes: param, grad, momentumBuffer [n], contiguous, 16-byte aligned (flat_loops.cuh).
//
// Math, PyTorch's SGD with dampening 0 (CPU twin: CpuReference.SgdStep):
//   g = grad + weightDecay·param
//   buf = momentum·buf + g;  g = nesterov ? g + momentum·buf : buf      (only when momentum ≠ 0)
//   param -= lr·g
// With momentum 0 the buffer is never touched (it may be null).
//
// Versions:
//   sgd_step_kernel1  one element per thread per step, grid-stride
//   sgd_step_kernel2  one float4 per thread per step, then the n % 4 tail one element per thread
//
// Launch: 1-D, any block size; a grid of about one wave of resident blocks.
#include "common.cuh"
#include "flat_loops.cuh"

static __device__ __forceinline__ void sgdUpdate(float& param, float& buf, float grad, float lr, float momentum,
                                                 float weightDecay, bool nesterov) {
    float g = grad + weightDecay * param;
    if (momentum != 0.0f) {
        buf = momentum * buf + g;
        g = nesterov ? g + momentum * buf : buf;
    }
    param -= lr * g;
}

KERNEL void sgd_step_kernel1(float* __restrict__ param, float* __restrict__ momentumBuffer, const float* __restrict__ grad,
                             float lr, float momentum, float weightDecay, int nesterov, long n) {
    GRID_STRIDE_LOOP(i, n) {
        float p = param[i];
        float b = momentum != 0.0f ? momentumBuffer[i] : 0.0f;
        sgdUpdate(p, b, grad[i], lr, momentum, weightDecay, nesterov != 0);
        param[i] = p;
        if (momentum != 0.0f) momentumBuffer[i] = b;
    }
}

KERNEL void sgd_step_kernel2(float* __restrict__ param, float* __restrict__ momentumBuffer, const float* __restrict__ grad,
                             float lr, float momentum, float weightDecay, int nesterov, long n) {
    const bool useBuffer = momentum != 0.0f;
    GRID_STRIDE_LOOP(i, n / 4) {
        float4 p = load4(param, i), g = load4(grad, i);
        float4 b = useBuffer ? load4(momentumBuffer, i) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        sgdUpdate(p.x, b.x, g.x, lr, momentum, weightDecay, nesterov != 0);
        sgdUpdate(p.y, b.y, g.y, lr, momentum, weightDecay, nesterov != 0);
        sgdUpdate(p.z, b.z, g.z, lr, momentum, weightDecay, nesterov != 0);
        sgdUpdate(p.w, b.w, g.w, lr, momentum, weightDecay, nesterov != 0);
        store4(param, i, p);
        if (useBuffer) store4(momentumBuffer, i, b);
    }
    TAIL_LOOP(i, n) {
        float p = param[i];
        float b = useBuffer ? momentumBuffer[i] : 0.0f;
        sgdUpdate(p, b, grad[i], lr, momentum, weightDecay, nesterov != 0);
        param[i] = p;
        if (useBuffer) momentumBuffer[i] = b;
    }
}
