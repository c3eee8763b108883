using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor IndexSelect(Tensor src, int dim, int[] indices) =>
        throw new NotImplementedException("CudaBackend.IndexSelect: not written yet");

    public void IndexAdd(Tensor dst, int dim, int[] indices, Tensor src) =>
        throw new NotImplementedException("CudaBackend.IndexAdd: not written yet");
}
