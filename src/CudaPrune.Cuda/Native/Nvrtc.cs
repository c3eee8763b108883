using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaPrune.Cuda.Native;

/// <summary>nvrtcResult (only the codes we test for are named).</summary>
internal enum NvrtcResult
{
    Success = 0,
    ErrorCompilation = 6,
}

/// <summary>The NVRTC calls we make (libnvrtc.so.* / nvrtc64_*.dll). Programs are <c>nint</c> handles.</summary>
internal static unsafe partial class Nvrtc
{
    private const string Lib = NativeResolver.NvrtcName;

    static Nvrtc() => NativeResolver.Register();

    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcVersion(out int major, out int minor);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetNumSupportedArchs(out int count);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetSupportedArchs(int* archs);
    [LibraryImport(Lib)] internal static partial byte* nvrtcGetErrorString(NvrtcResult result);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcCreateProgram(out nint program, byte* source, byte* name,
        int headerCount, byte** headers, byte** includeNames);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcCompileProgram(nint program, int optionCount, byte** options);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetProgramLogSize(nint program, out nuint size);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetProgramLog(nint program, byte* log);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetPTXSize(nint program, out nuint size);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetPTX(nint program, byte* ptx);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetCUBINSize(nint program, out nuint size);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetCUBIN(nint program, byte* cubin);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcDestroyProgram(ref nint program);

    /// <summary>Throws a <see cref="CudaException"/> naming the call and the error unless <paramref name="result"/> is success.</summary>
    internal static void Check(NvrtcResult result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result == NvrtcResult.Success) return;
        byte* s = nvrtcGetErrorString(result);
        string name = s != null ? Marshal.PtrToStringUTF8((nint)s)! : $"nvrtcResult {(int)result}";
        throw new CudaException(CudaLibrary.Nvrtc, CudaException.CallName(call), (int)result, name, null);
    }
}
