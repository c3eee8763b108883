namespace CudaPrune.Cuda.Native;

/// <summary>A failed CUDA driver, NVRTC or cuBLAS call, or a request the device cannot serve.</summary>
public class CudaException : Exception
{
    public CudaException(string message, Exception? inner = null) : base(message, inner) { }

    internal CudaException(CudaLibrary library, string call, int errorCode, string errorName, string? errorText, string? context = null)
        : base(Compose(call, errorCode, errorName, errorText, context))
    {
        Library = library;
        Call = call;
        ErrorCode = errorCode;
        ErrorName = errorName;
    }

    /// <summary>The library whose call failed; null for errors found before any call.</summary>
    public CudaLibrary? Library { get; }

    /// <summary>The native function that failed ("cuMemAlloc_v2").</summary>
    public string? Call { get; }

    /// <summary>The library's status code (CUresult, nvrtcResult or cublasStatus_t).</summary>
    public int ErrorCode { get; }

    /// <summary>The status's name ("CUDA_ERROR_OUT_OF_MEMORY").</summary>
    public string? ErrorName { get; }

    private static string Compose(string call, int code, string name, string? text, string? context)
    {
        string what = $"{call} failed: {name} ({code})" + (string.IsNullOrEmpty(text) ? "" : $": {text}");
        return context is null ? what : $"{context} ({what})";
    }

    /// <summary>"CuDriver.cuMemAlloc_v2(out p, n)" -> "cuMemAlloc_v2": the function named by a call expression.</summary>
    internal static string CallName(string expression)
    {
        int paren = expression.IndexOf('(');
        string head = paren < 0 ? expression : expression[..paren];
        return head[(head.LastIndexOf('.') + 1)..].Trim();
    }
}
