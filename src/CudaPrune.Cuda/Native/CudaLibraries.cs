namespace CudaPrune.Cuda.Native;

/// <summary>
/// The process's one search for each CUDA library (from the process environment), done on first use
/// and remembered. A missing library is an answer here, never a <see cref="DllNotFoundException"/>.
/// </summary>
public static class CudaLibraries
{
    private static readonly Lazy<LibraryLoadResult> s_driver = new(() => LibraryLocator.Load(CudaLibrary.Driver, Environment.GetEnvironmentVariable));
    private static readonly Lazy<LibraryLoadResult> s_nvrtc = new(() => LibraryLocator.Load(CudaLibrary.Nvrtc, Environment.GetEnvironmentVariable));
    private static readonly Lazy<LibraryLoadResult> s_cublas = new(() => LibraryLocator.Load(CudaLibrary.Cublas, Environment.GetEnvironmentVariable));

    public static LibraryLoadResult Get(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => s_driver.Value,
        CudaLibrary.Nvrtc => s_nvrtc.Value,
        _ => s_cublas.Value,
    };

    /// <summary>True when the CUDA driver library loads; otherwise <paramref name="reason"/> lists what was tried.</summary>
    public static bool TryLoadDriver(out string reason) => TryLoad(CudaLibrary.Driver, out reason);

    /// <summary>True when NVRTC loads; otherwise <paramref name="reason"/> lists what was tried.</summary>
    public static bool TryLoadNvrtc(out string reason) => TryLoad(CudaLibrary.Nvrtc, out reason);

    /// <summary>True when cuBLAS loads; otherwise <paramref name="reason"/> lists what was tried.</summary>
    public static bool TryLoadCublas(out string reason) => TryLoad(CudaLibrary.Cublas, out reason);

    /// <summary>The library's handle, or a <see cref="CudaLibraryNotFoundException"/> listing every path tried.</summary>
    public static nint Require(CudaLibrary library)
    {
        var result = Get(library);
        return result.IsLoaded ? result.Handle : throw new CudaLibraryNotFoundException(result);
    }

    private static bool TryLoad(CudaLibrary library, out string reason)
    {
        var result = Get(library);
        reason = result.Message;
        return result.IsLoaded;
    }
}
