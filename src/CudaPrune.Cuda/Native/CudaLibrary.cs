namespace CudaPrune.Cuda.Native;

/// <summary>The native libraries CudaPrune binds to.</summary>
public enum CudaLibrary
{
    /// <summary>The CUDA driver API: libcuda.so.1 / nvcuda.dll.</summary>
    Driver,
    /// <summary>The runtime compiler: libnvrtc.so.* / nvrtc64_*.dll.</summary>
    Nvrtc,
    /// <summary>cuBLAS: libcublas.so.* / cublas64_*.dll.</summary>
    Cublas,
}

/// <summary>What the locator needs to know about each <see cref="CudaLibrary"/>.</summary>
internal static class CudaLibraryFacts
{
    public static string DisplayName(CudaLibrary lib) => lib switch
    {
        CudaLibrary.Driver => "CUDA driver",
        CudaLibrary.Nvrtc => "NVRTC",
        _ => "cuBLAS",
    };

    /// <summary>The environment variable holding an explicit path that replaces the search.</summary>
    public static string OverrideVariable(CudaLibrary lib) => lib switch
    {
        CudaLibrary.Driver => "CUDAPRUNE_CUDA",
        CudaLibrary.Nvrtc => "CUDAPRUNE_NVRTC",
        _ => "CUDAPRUNE_CUBLAS",
    };

    /// <summary>The Linux file stem before ".so": versioned files are "stem.so.N[.M...]".</summary>
    public static string LinuxStem(CudaLibrary lib) => lib switch
    {
        CudaLibrary.Driver => "libcuda",
        CudaLibrary.Nvrtc => "libnvrtc",
        _ => "libcublas",
    };

    /// <summary>Names the system loader may know without a folder (ldconfig cache, PATH), tried after the folders.</summary>
    public static string[] LoaderNames(CudaLibrary lib, bool windows) => (lib, windows) switch
    {
        (CudaLibrary.Driver, false) => ["libcuda.so.1"],
        (CudaLibrary.Nvrtc, false) => ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"],
        (CudaLibrary.Cublas, false) => ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11"],
        (CudaLibrary.Driver, true) => ["nvcuda.dll"],
        (CudaLibrary.Nvrtc, true) => ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"],
        _ => ["cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"],
    };

    /// <summary>The Windows file prefix before the version digits ("nvrtc64_120_0.dll").</summary>
    public static string WindowsPrefix(CudaLibrary lib) => lib switch
    {
        CudaLibrary.Driver => "nvcuda",
        CudaLibrary.Nvrtc => "nvrtc64_",
        _ => "cublas64_",
    };

    public static string InstallHint(CudaLibrary lib) => lib switch
    {
        CudaLibrary.Driver => "install the NVIDIA driver (a machine without a GPU runs the CPU backend only)",
        CudaLibrary.Nvrtc => "install the CUDA toolkit's NVRTC (Debian: `apt-get install libnvrtc11.2` from contrib/non-free)",
        _ => "install the CUDA toolkit's cuBLAS (Debian: `apt-get install libcublas11` from contrib/non-free)",
    };
}
