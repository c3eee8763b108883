using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda;

// STUB: replaced by the kernels of kernels/<family>.cu (issue 5).
public sealed partial class CudaBackend
{
    public Tensor BatchNormTrainForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum, float eps, out Tensor saveMean, out Tensor saveInvStd) =>
        throw new NotImplementedException("CudaBackend.BatchNormTrainForward: not written yet");

    public Tensor BatchNormEvalForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps) =>
        throw new NotImplementedException("CudaBackend.BatchNormEvalForward: not written yet");

    public void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) =>
        throw new NotImplementedException("CudaBackend.BatchNormBackward: not written yet");
}
