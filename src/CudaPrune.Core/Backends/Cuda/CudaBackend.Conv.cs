using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor Conv2dForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g) =>
        throw new NotImplementedException("CudaBackend.Conv2dForward: not written yet");

    public void Conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, Conv2dGeometry g) =>
        throw new NotImplementedException("CudaBackend.Conv2dBackwardData: not written yet");

    public void Conv2dBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor? db, Conv2dGeometry g) =>
        throw new NotImplementedException("CudaBackend.Conv2dBackwardWeight: not written yet");
}
