// inference.cu — kernels that prepare a trained network for inference.
// Folding a batch norm (eval mode: running mean μ and variance σ², scale γ, shift β) into the convolution
// before it, so inference runs one conv (with the fused bias + ReLU epilogue of conv2d.cu) instead of a
// conv, a batch norm and a ReLU:
//   s[oc] = γ[oc] / √(σ²[oc] + ε)
//   w'[oc, ...] = w[oc, ...] · s[oc]             w, w'[OC, PER] (PER = C·K·K)
//   b'[oc]      = β[oc] + (b[oc] − μ[oc]) · s[oc]  b may be null (a conv without bias: b = 0)
//
// Versions:
//   fold_batchnorm_kernel1   one thread per weight; the first weight of each filter also writes b'.
//                            grid-stride, block 256.
#include "common.cuh"

KERNEL void fold_batchnorm_kernel1(float* wOut, float* bOut, const float* w, const float* b,
                                   const float* gamma, const float* beta, const float* mean, const float* var,
                                   float eps, int OC, int PER) {
    GRID_STRIDE_LOOP(i, (long)OC * PER) {
        const int oc = i / PER;
        const float s = gamma[oc] / sqrtf(var[oc] + eps);
        wOut[i] = w[i] * s;
        if (i % PER == 0) bOut[oc] = beta[oc] + ((b ? b[oc] : 0.0f) - mean[oc]) * s;
    }
}
