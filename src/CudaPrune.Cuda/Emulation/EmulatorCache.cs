namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// Where emulator builds are kept: <c>$CUDAPRUNE_CACHE/emu</c>, else <c>$XDG_CACHE_HOME/cudaprune/emu</c>,
/// else <c>~/.cache/cudaprune/emu</c>. Compiled objects live under <c>obj/</c> (one per translation
/// unit, so editing one kernel recompiles one module) and finished builds under <c>out/&lt;key&gt;/</c>.
/// Everything is written aside and renamed into place, so a concurrent build never sees half a file.
/// </summary>
internal sealed class EmulatorCache(string root)
{
    public const string CacheVariable = "CUDAPRUNE_CACHE";

    public string Root { get; } = root;

    public static string DefaultRoot()
    {
        var configured = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrEmpty(configured)) return Path.Combine(configured, "emu");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "cudaprune", "emu");
    }

    /// <summary>The cached file for <paramref name="key"/> (a hex hash) with <paramref name="extension"/>.</summary>
    public string ObjectPath(string key, string extension) => Path.Combine(Root, "obj", key[..2], key + extension);

    /// <summary>The folder of a finished build.</summary>
    public string OutputFolder(string key) => Path.Combine(Root, "out", key);

    /// <summary>A fresh folder to build in; delete it when done.</summary>
    public string NewStagingFolder() =>
        Directory.CreateDirectory(Path.Combine(Root, "tmp", Guid.NewGuid().ToString("N"))).FullName;

    public static void WriteAtomically(string path, string text)
    {
        var aside = Aside(path);
        File.WriteAllText(aside, text);
        File.Move(aside, path, overwrite: true);
    }

    public static void CopyAtomically(string source, string path)
    {
        var aside = Aside(path);
        File.Copy(source, aside);
        File.Move(aside, path, overwrite: true);
    }

    /// <summary>Moves a finished build folder into place; if another build got there first, keeps theirs.</summary>
    public static void Publish(string staging, string final)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        try
        {
            Directory.Move(staging, final);
        }
        catch (IOException) when (Directory.Exists(final))
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static string Aside(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return $"{path}.{Guid.NewGuid():N}.tmp";
    }
}
