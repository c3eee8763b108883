using System.Reflection;
using System.Runtime.InteropServices;

namespace CudaPrune.Cuda.Native;

/// <summary>
/// This assembly's one DllImport resolver: maps the logical library names of <see cref="CuDriver"/>,
/// <see cref="Nvrtc"/> and <see cref="Cublas"/> to the files <see cref="CudaLibraries"/> found.
/// Any other name falls through to the runtime's default probing.
/// </summary>
internal static class NativeResolver
{
    // Logical names no real file carries, so default probing can never pick a wrong library.
    public const string DriverName = "cudaprune-cuda-driver";
    public const string NvrtcName = "cudaprune-nvrtc";
    public const string CublasName = "cudaprune-cublas";

    private static readonly Lock s_gate = new();
    private static bool s_registered;

    /// <summary>Installs the resolver once; called by each binding class's static constructor.</summary>
    public static void Register()
    {
        lock (s_gate)
        {
            if (s_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeResolver).Assembly, Resolve);
            s_registered = true;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        DriverName => CudaLibraries.Require(CudaLibrary.Driver),
        NvrtcName => CudaLibraries.Require(CudaLibrary.Nvrtc),
        CublasName => CudaLibraries.Require(CudaLibrary.Cublas),
        _ => 0,
    };
}
