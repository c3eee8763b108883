using System.Security.Cryptography;
using System.Text;

namespace CudaPrune.Cuda.Compilation;

/// <summary>
/// Compiled kernels on disk, one file per key = sha256(module, source, headers, options, NVRTC version,
/// arch), so any change to what goes into a compile gives a new file. Files are written to a temporary
/// name and renamed into place, so a reader never sees half a file.
/// </summary>
public sealed class KernelCache(string folder)
{
    public const string FolderVariable = "CUDAPRUNE_CACHE";

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The cache under the user's cache folder (CUDAPRUNE_CACHE overrides).</summary>
    public static KernelCache Default => new(DefaultFolder);

    /// <summary>CUDAPRUNE_CACHE, else $XDG_CACHE_HOME/cudaprune/kernels, else ~/.cache/cudaprune/kernels (%LOCALAPPDATA%\cudaprune\kernels on Windows).</summary>
    public static string DefaultFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } explicitFolder) return explicitFolder;
            string root = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "cudaprune", "kernels");
        }
    }

    /// <summary>The cache key of one compile (64 hex digits).</summary>
    public static string Key(string moduleName, string source, IReadOnlyDictionary<string, string> headers,
        IReadOnlyList<string> options, string nvrtcVersion, string arch)
    {
        var text = new StringBuilder();
        // Each part is length-prefixed so no two different inputs concatenate to the same text.
        void Add(string s) => text.Append(s.Length).Append(':').Append(s).Append('\n');
        Add("cudaprune-kernel-cache-v1");
        Add(moduleName);
        Add(source);
        foreach (var (name, body) in headers.OrderBy(h => h.Key, StringComparer.Ordinal)) { Add(name); Add(body); }
        foreach (string option in options) Add(option);
        Add(nvrtcVersion);
        Add(arch);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The file for one key: "elementwise.sm_90.&lt;key&gt;.cubin".</summary>
    public string PathFor(string moduleName, string arch, string key, KernelImageKind kind) =>
        Path.Combine(Folder, $"{moduleName}.{arch}.{key}.{(kind == KernelImageKind.Cubin ? "cubin" : "ptx")}");

    /// <summary>The cached bytes, or null on a miss (an empty or unreadable file is a miss).</summary>
    public byte[]? TryRead(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            byte[] bytes = File.ReadAllBytes(path);
            return bytes.Length > 0 ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="bytes"/> atomically; false when the folder cannot be written (the compile still stands).</summary>
    public bool TryWrite(string path, byte[] bytes)
    {
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
            return false;
        }
    }
}
