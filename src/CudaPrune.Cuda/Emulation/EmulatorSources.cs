using System.Reflection;

namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// The sources an emulator build compiles: kernel modules (<c>*.cu</c>), their headers (<c>*.cuh</c>)
/// and the emulator runtime (<c>emu/*</c>), keyed by their path relative to the kernels folder.
/// </summary>
/// <remarks>
/// The project's sources are the <c>kernels/</c> files embedded in this assembly, or the folder named
/// by <c>CUDAPRUNE_KERNELS</c> (the same override as the NVRTC path), so editing a kernel needs no
/// rebuild of the .NET code. Every <c>*.cu</c> is a module: adding one needs no change here.
/// </remarks>
public sealed class EmulatorSources
{
    /// <summary>The environment variable that points at a kernels folder to use instead of the embedded one.</summary>
    public const string KernelsFolderVariable = "CUDAPRUNE_KERNELS";

    private const string KernelResources = "kernels/";      // kernels/*.cu, *.cuh (shared with the NVRTC compiler)
    private const string RuntimeResources = "emulator/";    // emulator/emu/* -> emu/*
    private readonly SortedDictionary<string, SourceFile> _files;

    private EmulatorSources(SortedDictionary<string, SourceFile> files) => _files = files;

    /// <summary>A source file: its text and where it came from (for messages).</summary>
    public sealed record SourceFile(string Text, string DisplayPath);

    /// <summary>Every file, by path relative to the kernels folder ("conv2d.cu", "emu/fiber.cpp").</summary>
    public IReadOnlyDictionary<string, SourceFile> Files => _files;

    /// <summary>The kernel modules: the top-level <c>*.cu</c> files, without the extension.</summary>
    public IEnumerable<string> Modules =>
        _files.Keys.Where(IsModule).Select(k => k[..^3]);

    /// <summary>The project's kernels: the <c>CUDAPRUNE_KERNELS</c> folder if set, else the embedded ones.</summary>
    public static EmulatorSources ForProject()
    {
        var folder = Environment.GetEnvironmentVariable(KernelsFolderVariable);
        return string.IsNullOrEmpty(folder) ? Embedded() : FromFolder(folder);
    }

    /// <summary>The <c>kernels/</c> files embedded in this assembly.</summary>
    public static EmulatorSources Embedded()
    {
        var asm = typeof(EmulatorSources).Assembly;
        var files = new SortedDictionary<string, SourceFile>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames())
        {
            var prefix = name.StartsWith(KernelResources, StringComparison.Ordinal) ? KernelResources
                       : name.StartsWith(RuntimeResources, StringComparison.Ordinal) ? RuntimeResources
                       : null;
            if (prefix is null) continue;
            var relative = name[prefix.Length..];
            files[relative] = new SourceFile(ReadResource(asm, name), $"kernels/{relative} (embedded)");
        }
        if (files.Count == 0) throw new InvalidOperationException("no kernels/ resources are embedded in CudaPrune.Cuda");
        return new EmulatorSources(files);
    }

    /// <summary>
    /// A kernels folder: its <c>*.cu</c> and <c>*.cuh</c> files, and its <c>emu/</c> runtime, or the
    /// embedded runtime (and <c>common.cuh</c>) where the folder has none.
    /// </summary>
    public static EmulatorSources FromFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"kernels folder '{folder}' does not exist (from {KernelsFolderVariable} or the caller)");
        var files = RuntimeFiles();
        foreach (var (relative, file) in ReadFolder(folder, includeRuntime: true)) files[relative] = file;
        return new EmulatorSources(files);
    }

    /// <summary>Only the runtime: <c>common.cuh</c> and <c>emu/*</c> (embedded), no kernel module. Add modules with <see cref="WithModulesFrom"/>.</summary>
    public static EmulatorSources RuntimeOnly() => new(RuntimeFiles());

    /// <summary>These sources plus the <c>*.cu</c> and <c>*.cuh</c> files of <paramref name="folder"/> (its modules replace same-named ones).</summary>
    public EmulatorSources WithModulesFrom(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"kernels folder '{folder}' does not exist");
        var files = new SortedDictionary<string, SourceFile>(_files, StringComparer.Ordinal);
        foreach (var (relative, file) in ReadFolder(folder, includeRuntime: false)) files[relative] = file;
        return new EmulatorSources(files);
    }

    /// <summary>These sources plus one file given as text.</summary>
    public EmulatorSources WithFile(string relativePath, string text)
    {
        var files = new SortedDictionary<string, SourceFile>(_files, StringComparer.Ordinal)
        {
            [relativePath] = new SourceFile(text, relativePath),
        };
        return new EmulatorSources(files);
    }

    /// <summary>
    /// These sources with <paramref name="module"/> as the only module: the runtime and every header stay,
    /// the other <c>*.cu</c> go. What a module variant is built from (<see cref="EmulatorBuild.ModuleVariant"/>),
    /// so that editing another module leaves the variant's cache key alone.
    /// </summary>
    internal EmulatorSources OnlyModule(string module)
    {
        if (!_files.ContainsKey(module + ".cu"))
            throw new ArgumentException($"no module {module}.cu in these sources; modules: {string.Join(", ", Modules)}", nameof(module));
        return new EmulatorSources(new SortedDictionary<string, SourceFile>(
            _files.Where(kv => !IsModule(kv.Key) || kv.Key == module + ".cu").ToDictionary(kv => kv.Key, kv => kv.Value),
            StringComparer.Ordinal));
    }

    internal static bool IsModule(string relativePath) =>
        relativePath.EndsWith(".cu", StringComparison.Ordinal) && !relativePath.Contains('/');

    private static SortedDictionary<string, SourceFile> RuntimeFiles()
    {
        var embedded = Embedded()._files;
        return new SortedDictionary<string, SourceFile>(
            embedded.Where(kv => kv.Key.StartsWith("emu/", StringComparison.Ordinal) || kv.Key == "common.cuh")
                    .ToDictionary(kv => kv.Key, kv => kv.Value),
            StringComparer.Ordinal);
    }

    private static IEnumerable<(string Relative, SourceFile File)> ReadFolder(string folder, bool includeRuntime)
    {
        var root = Path.GetFullPath(folder);
        var paths = Directory.EnumerateFiles(root, "*.cu").Concat(Directory.EnumerateFiles(root, "*.cuh"));
        var emu = Path.Combine(root, "emu");
        if (includeRuntime && Directory.Exists(emu))
            paths = paths.Concat(Directory.EnumerateFiles(emu).Where(p => p.EndsWith(".h", StringComparison.Ordinal) || p.EndsWith(".cpp", StringComparison.Ordinal)));
        foreach (var path in paths)
            yield return (Path.GetRelativePath(root, path).Replace('\\', '/'), new SourceFile(File.ReadAllText(path), path));
    }

    private static string ReadResource(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
