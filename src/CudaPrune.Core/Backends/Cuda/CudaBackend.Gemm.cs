using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor LinearForward(Tensor x, Tensor w, Tensor? b) =>
        throw new NotImplementedException("CudaBackend.LinearForward: not written yet");

    public void LinearBackward(Tensor dy, Tensor x, Tensor w, Tensor? dx, Tensor? dw, Tensor? db) =>
        throw new NotImplementedException("CudaBackend.LinearBackward: not written yet");

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c) =>
        throw new NotImplementedException("CudaBackend.Gemm: not written yet");
}
