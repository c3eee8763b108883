namespace CudaPrune.Core.Backends.Cuda;

/// <summary>The ops, versions and launch shapes of kernels/gemm.cu (SGEMM and the bias kernels).</summary>
public static class GemmKernels
{
    public const string Module = "gemm";

    /// <summary>The <see cref="KernelVersions"/> key of SGEMM (<see cref="CudaBackend.Gemm"/> and the linear layers).</summary>
    public const string Gemm = "sgemm";

    /// <summary>The keys of the bias kernels: y[n,c,p] += b[c] and db[c] += Σ_{n,p} dy[n,c,p] (one version each).</summary>
    public const string BiasForward = "bias_forward";
    public const string BiasBackward = "bias_backward";

    /// <summary>1 naive, 2 shared-memory tiles, 3 register-blocked 128x128x8 double-buffered tiles.</summary>
    public static IReadOnlyList<int> GemmVersions { get; } = [1, 2, 3];

    public const int DefaultGemmVersion = 3;

    /// <summary>Threads per block of sgemm_kernel1 unless overridden (the only version whose block size is free).</summary>
    public const int NaiveBlockSize = 256;

    /// <summary>Threads per block of the grid-stride bias kernels (bias_backward_kernel1's tree reduction fixes 256).</summary>
    public const int BiasBlockSize = 256;

    /// <summary>The block tile of sgemm_kernel3.</summary>
    public const int TiledBlockTile = 128;

    /// <summary>
    /// Bits of sgemm_kernel3's <c>vec</c> argument: every row of that operand starts 16-byte aligned (base
    /// aligned and row length a multiple of 4), so its runs of four can be moved as float4s.
    /// </summary>
    [Flags]
    public enum VectorFlags
    {
        None = 0,
        A = 1,
        B = 2,
        C = 4,
    }
}
