using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaPrune.Cuda.Native;

/// <summary>cublasStatus_t (only success is named; the library names the others).</summary>
internal enum CublasStatus
{
    Success = 0,
}

/// <summary>cublasOperation_t.</summary>
internal enum CublasOperation
{
    None = 0,
    Transpose = 1,
}

/// <summary>cublasMath_t.</summary>
internal enum CublasMath
{
    /// <summary>Compute in at least the requested precision: FP32 SGEMM stays FP32 (no TF32).</summary>
    Default = 0,
}

/// <summary>The cuBLAS (v2 API) calls we make (libcublas.so.* / cublas64_*.dll). Handles are <c>nint</c>.</summary>
internal static unsafe partial class Cublas
{
    private const string Lib = NativeResolver.CublasName;

    static Cublas() => NativeResolver.Register();

    [LibraryImport(Lib)] internal static partial CublasStatus cublasCreate_v2(out nint handle);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasDestroy_v2(nint handle);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasSetStream_v2(nint handle, nint stream);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasSetMathMode(nint handle, CublasMath mode);
    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSgemm_v2(nint handle, CublasOperation transA, CublasOperation transB,
        int m, int n, int k, float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);
    [LibraryImport(Lib)] internal static partial byte* cublasGetStatusName(CublasStatus status);
    [LibraryImport(Lib)] internal static partial byte* cublasGetStatusString(CublasStatus status);

    /// <summary>Throws a <see cref="CudaException"/> naming the call, the status name and its text unless <paramref name="status"/> is success.</summary>
    internal static void Check(CublasStatus status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status == CublasStatus.Success) return;
        string name = $"cublasStatus {(int)status}";
        string? text = null;
        try
        {
            byte* n = cublasGetStatusName(status);
            byte* t = cublasGetStatusString(status);
            if (n != null) name = Marshal.PtrToStringUTF8((nint)n)!;
            if (t != null) text = Marshal.PtrToStringUTF8((nint)t);
        }
        catch (EntryPointNotFoundException)
        {
            // cuBLAS before 11.4.2 cannot name its statuses; the number stands.
        }
        throw new CudaException(CudaLibrary.Cublas, CudaException.CallName(call), (int)status, name, text);
    }
}
