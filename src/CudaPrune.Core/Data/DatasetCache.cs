using System.Security.Cryptography;
using System.Text;

namespace CudaPrune.Core.Data;

/// <summary>
/// The folder of decoded-data cache files: one per source and split, named after a hash of the source's path,
/// size and modification time, so a changed source gets a new file and the second run starts at once.
/// </summary>
public sealed class DatasetCache(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The cache folder for data found in <paramref name="dataRoot"/>: its cache/ subfolder, or the user's cache folder where that is read-only.</summary>
    public static DatasetCache For(string dataRoot)
    {
        var preferred = Path.Combine(dataRoot, "cache");
        return new DatasetCache(IsWritable(preferred) ? preferred : UserCacheDirectory());
    }

    /// <summary>$XDG_CACHE_HOME/cudaprune (~/.cache/cudaprune) on Unix, %LOCALAPPDATA%\CudaPrune\cache on Windows.</summary>
    public static string UserCacheDirectory()
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CudaPrune", "cache");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "cudaprune");
    }

    public string PathFor(CifarSource source, CifarSplit split) =>
        Path.Combine(Directory, $"cifar10-{SourceKey(source, split)}-{split.FolderName()}.u8");

    /// <summary>The cached split, or null when there is none or it is damaged (<paramref name="problem"/> then says why).</summary>
    public CifarDataset? TryLoad(string path, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
            return null;
        try
        {
            return CacheFile.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Writes the cache file; a failure (disk full, no permission) is returned as a message, since the data is still usable.</summary>
    public string? TrySave(string path, CifarDataset data)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            CacheFile.Write(path, data);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    // Files: full path, size, modification time. Folders: the same for every file of the split.
    private static string SourceKey(CifarSource source, CifarSplit split)
    {
        var key = new StringBuilder($"{source.Format}|{Path.GetFullPath(source.Path)}");
        if (File.Exists(source.Path))
        {
            Describe(key, new FileInfo(source.Path));
        }
        else
        {
            var splitFolder = new DirectoryInfo(Path.Combine(source.Path, split.FolderName()));
            if (splitFolder.Exists)
                foreach (var file in splitFolder.EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
                    Describe(key, file);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16];
    }

    private static void Describe(StringBuilder key, FileInfo file) =>
        key.Append('|').Append(file.FullName).Append('|').Append(file.Length).Append('|').Append(file.LastWriteTimeUtc.Ticks);

    // Root may write into folders whose mode says read-only (such as a shared data folder); honour the mode too.
    private static bool IsWritable(string folder)
    {
        try
        {
            var existing = System.IO.Directory.Exists(folder) ? folder : Path.GetDirectoryName(folder);
            if (existing is null || !System.IO.Directory.Exists(existing))
                return false;
            const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(existing) & anyWrite) == 0)
                return false;
            System.IO.Directory.CreateDirectory(folder);
            using (File.Create(Path.Combine(folder, $".probe-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
