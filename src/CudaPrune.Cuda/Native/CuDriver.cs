using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaPrune.Cuda.Native;

/// <summary>
/// The CUDA driver API calls we make (libcuda.so.1 / nvcuda.dll), under their real exported names
/// (<c>_v2</c> where cuda.h maps the plain name to one). Handles are <c>nint</c>, device pointers
/// <c>ulong</c>, <c>size_t</c> is <c>nuint</c>.
/// </summary>
internal static unsafe partial class CuDriver
{
    private const string Lib = NativeResolver.DriverName;

    // The explicit static constructor runs before any import below is bound, so the resolver is in place.
    static CuDriver() => NativeResolver.Register();

    [LibraryImport(Lib)] internal static partial CuResult cuInit(uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuDriverGetVersion(out int version);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorName(CuResult error, out byte* name);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorString(CuResult error, out byte* text);

    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetCount(out int count);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetAttribute(out int value, CuDeviceAttribute attribute, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceTotalMem_v2(out nuint bytes, int device);

    [LibraryImport(Lib)] internal static partial CuResult cuDevicePrimaryCtxRetain(out nint context, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxSetCurrent(nint context);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxSynchronize();

    [LibraryImport(Lib)] internal static partial CuResult cuStreamCreate(out nint stream, uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamDestroy_v2(nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamSynchronize(nint stream);

    [LibraryImport(Lib)] internal static partial CuResult cuEventCreate(out nint ev, uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuEventRecord(nint ev, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuEventSynchronize(nint ev);
    // CUDA_SUCCESS once the work before the record is done, CUDA_ERROR_NOT_READY before: never waits.
    [LibraryImport(Lib)] internal static partial CuResult cuEventQuery(nint ev);
    // The plain symbol (not the _v2 of CUDA 12.8+): every driver from 11.x to 13.x exports it.
    [LibraryImport(Lib)] internal static partial CuResult cuEventElapsedTime(out float milliseconds, nint start, nint end);
    [LibraryImport(Lib)] internal static partial CuResult cuEventDestroy_v2(nint ev);

    [LibraryImport(Lib)] internal static partial CuResult cuMemAlloc_v2(out ulong ptr, nuint bytes);
    [LibraryImport(Lib)] internal static partial CuResult cuMemFree_v2(ulong ptr);
    [LibraryImport(Lib)] internal static partial CuResult cuMemGetInfo_v2(out nuint free, out nuint total);
    // Page-locked host memory, the staging buffers of uploads (no _v2: cuda.h maps neither name).
    [LibraryImport(Lib)] internal static partial CuResult cuMemHostAlloc(out void* host, nuint bytes, uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuMemFreeHost(void* host);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyHtoDAsync_v2(ulong dst, void* src, nuint bytes, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyDtoHAsync_v2(void* dst, ulong src, nuint bytes, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyDtoDAsync_v2(ulong dst, ulong src, nuint bytes, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD32Async(ulong dst, uint value, nuint count, nint stream);

    [LibraryImport(Lib)] internal static partial CuResult cuModuleLoadData(out nint module, void* image);
    [LibraryImport(Lib)] internal static partial CuResult cuModuleUnload(nint module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial CuResult cuModuleGetFunction(out nint function, nint module, string name);
    [LibraryImport(Lib)] internal static partial CuResult cuFuncSetAttribute(nint function, CuFunctionAttribute attribute, int value);
    [LibraryImport(Lib)]
    internal static partial CuResult cuLaunchKernel(nint function,
        uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedMemBytes, nint stream, void** kernelParams, void** extra);

    [LibraryImport(Lib)] internal static partial CuResult cuStreamBeginCapture_v2(nint stream, CuStreamCaptureMode mode);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamEndCapture(nint stream, out nint graph);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphInstantiateWithFlags(out nint graphExec, nint graph, ulong flags);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphLaunch(nint graphExec, nint stream);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphExecDestroy(nint graphExec);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphDestroy(nint graph);

    /// <summary>Throws a <see cref="CudaException"/> naming the call, the error name and its text unless <paramref name="result"/> is success.</summary>
    internal static void Check(CuResult result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != CuResult.Success) throw Error(result, call);
    }

    /// <summary>The exception for a failed call, with an optional sentence of context in front.</summary>
    internal static CudaException Error(CuResult result, string call, string? context = null)
    {
        var (name, text) = Describe(result);
        return new CudaException(CudaLibrary.Driver, CudaException.CallName(call), (int)result, name, text, context);
    }

    /// <summary>The driver's name and text for an error code ("CUDA_ERROR_OUT_OF_MEMORY", "out of memory").</summary>
    internal static (string Name, string Text) Describe(CuResult result)
    {
        string name = cuGetErrorName(result, out byte* n) == CuResult.Success && n != null
            ? Marshal.PtrToStringUTF8((nint)n)! : $"CUresult {(int)result}";
        string text = cuGetErrorString(result, out byte* t) == CuResult.Success && t != null
            ? Marshal.PtrToStringUTF8((nint)t)! : "unknown error";
        return (name, text);
    }
}
