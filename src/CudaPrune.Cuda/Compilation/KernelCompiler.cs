using System.Text;
using System.Text.RegularExpressions;
using CudaPrune.Cuda.Native;
using static CudaPrune.Cuda.Native.Nvrtc;

namespace CudaPrune.Cuda.Compilation;

/// <summary>
/// Compiles kernel files with NVRTC: a real <c>sm_XX</c> gives a CUBIN, a virtual <c>compute_XX</c> gives
/// PTX. Needs NVRTC only, never a driver or a GPU, so CI compiles every kernel. Results go through the
/// disk cache when one is given.
/// </summary>
public sealed partial class KernelCompiler(KernelSources sources, KernelCache? cache)
{
    private static readonly Lazy<(int Major, int Minor)> s_version = new(ReadVersion);
    private static readonly Lazy<IReadOnlyList<int>> s_supportedArchs = new(ReadSupportedArchs);

    /// <summary>NVRTC 11.2: the oldest with CUBIN output and the supported-architecture query.</summary>
    public static readonly (int Major, int Minor) MinimumNvrtcVersion = (11, 2);

    public KernelSources Sources { get; } = sources;

    /// <summary>The disk cache; null compiles every time.</summary>
    public KernelCache? Cache { get; } = cache;

    /// <summary>The default sources (embedded, or CUDAPRUNE_KERNELS) and the user's kernel cache.</summary>
    public static KernelCompiler CreateDefault() => new(KernelSources.Default, KernelCache.Default);

    /// <summary>NVRTC's version, e.g. (11, 8); throws <see cref="CudaLibraryNotFoundException"/> without NVRTC.</summary>
    public static (int Major, int Minor) NvrtcVersion => s_version.Value;

    /// <summary>The real architectures NVRTC can build CUBINs for, as numbers (80 = sm_80), ascending.</summary>
    public static IReadOnlyList<int> SupportedArchs => s_supportedArchs.Value;

    /// <summary>
    /// The target for a device of compute capability <paramref name="major"/>.<paramref name="minor"/>:
    /// its own <c>sm_XX</c> when NVRTC knows it (a CUBIN, nothing left for the driver to JIT), else PTX
    /// for the newest <c>compute_XX</c> NVRTC knows below it (the driver JITs it forward).
    /// </summary>
    public static string ArchFor(int major, int minor)
    {
        int cc = major * 10 + minor;
        if (SupportedArchs.Contains(cc)) return $"sm_{cc}";
        int below = SupportedArchs.Where(a => a <= cc).DefaultIfEmpty(0).Max();
        if (below == 0)
            throw new CudaException($"NVRTC {NvrtcVersion.Major}.{NvrtcVersion.Minor} cannot target sm_{cc}: it supports sm_{SupportedArchs[0]} to sm_{SupportedArchs[^1]}");
        return $"compute_{below}";
    }

    /// <summary>The NVRTC options for <paramref name="arch"/>, then <paramref name="extra"/> ("-DNAME=1", ...).</summary>
    public static IReadOnlyList<string> Options(string arch, IEnumerable<string>? extra = null) =>
        [$"--gpu-architecture={arch}", "-default-device", "--std=c++17", "-lineinfo", .. extra ?? []];

    /// <summary>PTX of the default sources' <paramref name="moduleName"/> for <paramref name="arch"/>; needs NVRTC only.</summary>
    public static string CompileToPtx(string moduleName, string arch = "compute_80")
    {
        if (!arch.StartsWith("compute_", StringComparison.Ordinal))
            throw new ArgumentException($"PTX needs a virtual architecture such as compute_80, not '{arch}'", nameof(arch));
        byte[] ptx = new KernelCompiler(KernelSources.Default, cache: null).Compile(moduleName, arch).Image;
        return Encoding.UTF8.GetString(ptx).TrimEnd('\0');
    }

    /// <summary>
    /// Compiles kernels/<paramref name="moduleName"/>.cu for <paramref name="arch"/> ("sm_90" gives a CUBIN,
    /// "compute_80" PTX), from the cache when it holds the same inputs. Throws <see cref="KernelCompileException"/>
    /// with NVRTC's log when the source has errors.
    /// </summary>
    public CompiledModule Compile(string moduleName, string arch, IReadOnlyList<string>? extraOptions = null)
    {
        var kind = KindOf(arch);
        string source = Sources.Source(moduleName);
        CudaLibraries.Require(CudaLibrary.Nvrtc);
        var options = Options(arch, extraOptions);
        var (major, minor) = NvrtcVersion;

        string? cachePath = null;
        if (Cache is not null)
        {
            string key = KernelCache.Key(moduleName, source, Sources.Headers, options, $"{major}.{minor}", arch);
            cachePath = Cache.PathFor(moduleName, arch, key, kind);
            if (Cache.TryRead(cachePath) is { } cached)
                return new CompiledModule(moduleName, arch, kind, cached, FromCache: true, cachePath, Log: "");
        }

        string fileName = moduleName + ".cu";
        var (image, log) = NvrtcProgram.Compile(fileName, source, Sources.Headers, options, kind);
        if (image is null) throw CompileError(moduleName, fileName, arch, extraOptions, log);
        if (cachePath is not null && !Cache!.TryWrite(cachePath, image)) cachePath = null;
        return new CompiledModule(moduleName, arch, kind, image, FromCache: false, cachePath, log);
    }

    private static KernelImageKind KindOf(string arch)
    {
        var m = ArchPattern().Match(arch);
        if (!m.Success)
            throw new ArgumentException($"'{arch}' is not an NVRTC architecture: expected sm_XX (a CUBIN) or compute_XX (PTX), e.g. sm_90 or compute_80", nameof(arch));
        return m.Groups[1].Value == "sm" ? KernelImageKind.Cubin : KernelImageKind.Ptx;
    }

    private KernelCompileException CompileError(string moduleName, string fileName, string arch, IReadOnlyList<string>? extraOptions, string log)
    {
        // NVRTC writes "name(line): error: ..."; point at the first one as file:line, the form editors jump to.
        var first = FirstErrorPattern().Match(log);
        string? where = first.Success ? $"{Sources.DisplayPath(first.Groups["file"].Value)}:{first.Groups["line"].Value}" : null;
        var (major, minor) = NvrtcVersion;
        // A variant's defines (-DCONV_C=45 ...) are named: the same file may compile without them.
        string with = extraOptions is { Count: > 0 } ? $" with {string.Join(' ', extraOptions)}" : "";
        string message = $"NVRTC {major}.{minor} could not compile {Sources.DisplayPath(fileName)}{with} for {arch}"
            + (where is null ? "" : $" (first error at {where})") + ":" + Environment.NewLine + log;
        return new KernelCompileException(message, moduleName, arch, log, where);
    }

    private static (int, int) ReadVersion()
    {
        CudaLibraries.Require(CudaLibrary.Nvrtc);
        Check(nvrtcVersion(out int major, out int minor));
        if ((major, minor).CompareTo(MinimumNvrtcVersion) < 0)
            throw new CudaException($"NVRTC {major}.{minor} at {CudaLibraries.Get(CudaLibrary.Nvrtc).Path} is too old: CudaPrune needs "
                + $"{MinimumNvrtcVersion.Major}.{MinimumNvrtcVersion.Minor} or newer (set {CudaLibraryFacts.OverrideVariable(CudaLibrary.Nvrtc)} to a newer one)");
        return (major, minor);
    }

    private static unsafe IReadOnlyList<int> ReadSupportedArchs()
    {
        _ = NvrtcVersion; // a version check first: older NVRTCs lack the calls below
        Check(nvrtcGetNumSupportedArchs(out int count));
        var archs = new int[count];
        fixed (int* p = archs) Check(nvrtcGetSupportedArchs(p));
        Array.Sort(archs);
        return archs;
    }

    [GeneratedRegex(@"^(sm|compute)_\d+[af]?$")]
    private static partial Regex ArchPattern();

    [GeneratedRegex(@"^(?<file>[^\s()]+)\((?<line>\d+)\): (?:catastrophic )?error", RegexOptions.Multiline)]
    private static partial Regex FirstErrorPattern();
}
