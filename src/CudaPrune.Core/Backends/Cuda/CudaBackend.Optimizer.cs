using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParameters p) =>
        throw new NotImplementedException("CudaBackend.SgdStep: not written yet");
}
