namespace CudaPrune.Cuda.Native;

/// <summary>A CUDA library (driver, NVRTC or cuBLAS) that could not be loaded; the message lists every path tried.</summary>
public sealed class CudaLibraryNotFoundException(LibraryLoadResult result) : CudaException(result.Message)
{
    /// <summary>The failed search, with each path tried and why it was rejected.</summary>
    public LibraryLoadResult Result { get; } = result;
}
