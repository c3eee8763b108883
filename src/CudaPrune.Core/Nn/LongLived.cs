using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>Creates tensors that belong to no dispose scope: parameters and buffers outlive every training step.</summary>
public static class LongLived
{
    public static Tensor FromArray(IBackend backend, float[] data, int[] shape)
    {
        using var _ = DisposeScope.Suspend();
        return backend.FromArray(data, shape);
    }
}
