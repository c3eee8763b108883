using CudaPrune.Cuda.Native;

namespace CudaPrune.Cuda.Compilation;

/// <summary>NVRTC rejected a kernel file; the message carries NVRTC's log and the first error's file:line.</summary>
public sealed class KernelCompileException(string message, string moduleName, string arch, string log, string? firstError)
    : CudaException(message)
{
    public string ModuleName { get; } = moduleName;
    public string Arch { get; } = arch;

    /// <summary>NVRTC's program log, verbatim.</summary>
    public string Log { get; } = log;

    /// <summary>"kernels/conv2d.cu:42": where the first error is; null when the log names none.</summary>
    public string? FirstError { get; } = firstError;
}
