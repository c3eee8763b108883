using System.Runtime.InteropServices;
using CudaPrune.Cuda.Native;
using static CudaPrune.Cuda.Native.Nvrtc;

namespace CudaPrune.Cuda.Compilation;

/// <summary>One NVRTC compilation: create the program with its headers, compile, read the log and the PTX or CUBIN, destroy.</summary>
internal static unsafe class NvrtcProgram
{
    /// <summary>Compiles <paramref name="source"/>; returns the image (null when NVRTC reported errors) and the log.</summary>
    public static (byte[]? Image, string Log) Compile(string fileName, string source,
        IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> options, KernelImageKind kind)
    {
        using var src = new Utf8Strings([source, fileName]);
        using var headerTexts = new Utf8Strings(headers.Values);
        using var headerNames = new Utf8Strings(headers.Keys);
        using var opts = new Utf8Strings(options);

        Check(nvrtcCreateProgram(out nint program, src[0], src[1], headers.Count, headerTexts.Pointers, headerNames.Pointers));
        try
        {
            var result = nvrtcCompileProgram(program, options.Count, opts.Pointers);
            string log = ReadLog(program);
            if (result == NvrtcResult.ErrorCompilation) return (null, log);
            Check(result);
            return (kind == KernelImageKind.Cubin ? ReadCubin(program) : ReadPtx(program), log);
        }
        finally
        {
            nvrtcDestroyProgram(ref program);
        }
    }

    private static string ReadLog(nint program)
    {
        Check(nvrtcGetProgramLogSize(program, out nuint size));
        var buffer = new byte[(int)size];
        fixed (byte* p = buffer) Check(nvrtcGetProgramLog(program, p));
        return System.Text.Encoding.UTF8.GetString(buffer).TrimEnd('\0').Trim();
    }

    // PTX keeps its terminating NUL: cuModuleLoadData reads it as a C string.
    private static byte[] ReadPtx(nint program)
    {
        Check(nvrtcGetPTXSize(program, out nuint size));
        var buffer = new byte[(int)size];
        fixed (byte* p = buffer) Check(nvrtcGetPTX(program, p));
        return buffer;
    }

    private static byte[] ReadCubin(nint program)
    {
        Check(nvrtcGetCUBINSize(program, out nuint size));
        var buffer = new byte[(int)size];
        fixed (byte* p = buffer) Check(nvrtcGetCUBIN(program, p));
        return buffer;
    }

    /// <summary>NUL-terminated UTF-8 copies of strings in native memory, as a <c>char**</c> array.</summary>
    private sealed class Utf8Strings : IDisposable
    {
        private readonly nint[] _strings;
        private readonly GCHandle _pin;

        public Utf8Strings(IEnumerable<string> strings)
        {
            _strings = strings.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
            _pin = GCHandle.Alloc(_strings, GCHandleType.Pinned);
        }

        public byte* this[int i] => (byte*)_strings[i];

        public byte** Pointers => _strings.Length == 0 ? null : (byte**)_pin.AddrOfPinnedObject();

        public void Dispose()
        {
            _pin.Free();
            foreach (nint s in _strings) Marshal.FreeCoTaskMem(s);
        }
    }
}
