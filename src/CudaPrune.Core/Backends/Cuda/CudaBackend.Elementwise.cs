using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor ReluForward(Tensor x) =>
        throw new NotImplementedException("CudaBackend.ReluForward: not written yet");

    public void ReluBackward(Tensor dy, Tensor y, Tensor dx) =>
        throw new NotImplementedException("CudaBackend.ReluBackward: not written yet");

    public Tensor Add(Tensor a, Tensor b) =>
        throw new NotImplementedException("CudaBackend.Add: not written yet");

    public void AddInPlace(Tensor dst, Tensor src, float alpha = 1f) =>
        throw new NotImplementedException("CudaBackend.AddInPlace: not written yet");

    public void Scale(Tensor t, float alpha) =>
        throw new NotImplementedException("CudaBackend.Scale: not written yet");

    public void AddL1Subgradient(Tensor grad, Tensor param, float lambda) =>
        throw new NotImplementedException("CudaBackend.AddL1Subgradient: not written yet");
}
