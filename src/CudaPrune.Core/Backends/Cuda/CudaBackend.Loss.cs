using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor SoftmaxCrossEntropyForward(Tensor logits, Tensor labels, float labelSmoothing, out Tensor probs) =>
        throw new NotImplementedException("CudaBackend.SoftmaxCrossEntropyForward: not written yet");

    public void SoftmaxCrossEntropyBackward(Tensor probs, Tensor labels, float labelSmoothing, float scale, Tensor dlogits) =>
        throw new NotImplementedException("CudaBackend.SoftmaxCrossEntropyBackward: not written yet");
}
