using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor MaxPool2dForward(Tensor x, Pool2dGeometry g, out Tensor argmax) =>
        throw new NotImplementedException("CudaBackend.MaxPool2dForward: not written yet");

    public void MaxPool2dBackward(Tensor dy, Tensor argmax, Tensor dx, Pool2dGeometry g) =>
        throw new NotImplementedException("CudaBackend.MaxPool2dBackward: not written yet");

    public Tensor AvgPool2dForward(Tensor x, Pool2dGeometry g) =>
        throw new NotImplementedException("CudaBackend.AvgPool2dForward: not written yet");

    public void AvgPool2dBackward(Tensor dy, Tensor dx, Pool2dGeometry g) =>
        throw new NotImplementedException("CudaBackend.AvgPool2dBackward: not written yet");

    public Tensor GlobalAvgPoolForward(Tensor x) =>
        throw new NotImplementedException("CudaBackend.GlobalAvgPoolForward: not written yet");

    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx) =>
        throw new NotImplementedException("CudaBackend.GlobalAvgPoolBackward: not written yet");
}
