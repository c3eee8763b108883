namespace CudaPrune.Core.Backends.Cuda;

/// <summary>The ops of kernels/inference.cu (batch-norm folding); the fused conv lives in <see cref="ConvKernels"/>.</summary>
public static class InferenceKernels
{
    public const string Module = "inference";

    /// <summary>The <see cref="KernelVersions"/> key of fold_batchnorm_kernel1, its only version.</summary>
    public const string FoldBatchNorm = "fold_batchnorm";

    public const int BlockSize = 256;
}
