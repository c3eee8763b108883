namespace CudaPrune.Cuda.Compilation;

/// <summary>
/// The kernel library's source files: the .cu modules and .cuh headers of kernels/, embedded in this
/// assembly, or read from the folder named by <c>CUDAPRUNE_KERNELS</c> (for editing kernels without a rebuild).
/// </summary>
public sealed class KernelSources
{
    public const string FolderVariable = "CUDAPRUNE_KERNELS";
    private const string ResourcePrefix = "kernels/";

    private static readonly Lazy<KernelSources> s_embedded = new(LoadEmbedded);
    private readonly SortedDictionary<string, string> _files;

    private KernelSources(string origin, string displayFolder, SortedDictionary<string, string> files)
    {
        Origin = origin;
        DisplayFolder = displayFolder;
        _files = files;
        ModuleNames = files.Keys.Where(f => f.EndsWith(".cu", StringComparison.Ordinal)).Select(f => f[..^3]).ToList();
        Headers = files.Where(f => !f.Key.EndsWith(".cu", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
    }

    /// <summary>The sources compiled into this assembly.</summary>
    public static KernelSources Embedded => s_embedded.Value;

    /// <summary>The folder named by <c>CUDAPRUNE_KERNELS</c> when set, else the embedded sources.</summary>
    public static KernelSources Default =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? FromFolder(folder) : Embedded;

    /// <summary>"embedded" or the folder the files were read from.</summary>
    public string Origin { get; }

    /// <summary>How paths are shown in messages: "kernels" for the embedded files, else the folder.</summary>
    public string DisplayFolder { get; }

    /// <summary>The .cu files without their extension ("elementwise"), sorted.</summary>
    public IReadOnlyList<string> ModuleNames { get; }

    /// <summary>Every file name, sorted ("common.cuh", "elementwise.cu").</summary>
    public IReadOnlyCollection<string> FileNames => _files.Keys;

    /// <summary>The headers (every file that is not a .cu), by include name ("common.cuh").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Reads every .cu, .cuh and .h file directly inside <paramref name="folder"/>.</summary>
    public static KernelSources FromFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"kernel source folder '{folder}' does not exist (from {FolderVariable} or the caller)");
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(folder))
            if (Path.GetExtension(path) is ".cu" or ".cuh" or ".h")
                files[Path.GetFileName(path)] = File.ReadAllText(path);
        string full = Path.GetFullPath(folder);
        return new KernelSources(full, full, files);
    }

    /// <summary>The text of kernels/<paramref name="moduleName"/>.cu.</summary>
    public string Source(string moduleName) =>
        _files.TryGetValue(moduleName + ".cu", out string? text)
            ? text
            : throw new ArgumentException($"there is no kernel file {DisplayPath(moduleName + ".cu")} ({Origin}); the modules are: {string.Join(", ", ModuleNames)}", nameof(moduleName));

    /// <summary>Where a file is shown as being: "kernels/elementwise.cu".</summary>
    public string DisplayPath(string fileName) => $"{DisplayFolder}/{fileName}";

    private static KernelSources LoadEmbedded()
    {
        var assembly = typeof(KernelSources).Assembly;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            files[resource[ResourcePrefix.Length..]] = reader.ReadToEnd();
        }
        return new KernelSources("embedded", "kernels", files);
    }
}
