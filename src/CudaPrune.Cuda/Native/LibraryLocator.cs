using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace CudaPrune.Cuda.Native;

/// <summary>
/// Finds and loads the CUDA driver, NVRTC and cuBLAS. An explicit path in the library's environment
/// variable (<c>CUDAPRUNE_CUDA</c>, <c>CUDAPRUNE_NVRTC</c>, <c>CUDAPRUNE_CUBLAS</c>) replaces the search,
/// so a wrong override is reported rather than silently bypassed. Otherwise the driver is asked of the
/// system loader first (<c>libcuda.so.1</c>); NVRTC and cuBLAS are taken newest version first from
/// CUDA_PATH/CUDA_HOME, /usr/local/cuda*, the system library folders, LD_LIBRARY_PATH and pip wheels'
/// nvidia/*/lib; files that are not shared libraries (linker scripts) are skipped.
/// </summary>
public static class LibraryLocator
{
    private static bool IsWindows => OperatingSystem.IsWindows();

    /// <summary>Searches for and loads <paramref name="library"/>, reading variables through <paramref name="getEnvironment"/>.</summary>
    public static LibraryLoadResult Load(CudaLibrary library, Func<string, string?> getEnvironment)
    {
        var tried = new List<string>();
        string variable = CudaLibraryFacts.OverrideVariable(library);
        string? explicitPath = getEnvironment(variable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            nint h = TryLoadFile(explicitPath, $" (from {variable})", tried);
            return new LibraryLoadResult(library, h != 0 ? explicitPath : null, h, tried, []);
        }

        var (files, emptyFolders) = FindFiles(library, getEnvironment);
        var attempts = new List<string>();
        if (library == CudaLibrary.Driver) attempts.AddRange(CudaLibraryFacts.LoaderNames(library, IsWindows));
        attempts.AddRange(files);
        if (library != CudaLibrary.Driver) attempts.AddRange(CudaLibraryFacts.LoaderNames(library, IsWindows));

        foreach (string candidate in attempts)
        {
            bool bareName = !candidate.Contains(Path.DirectorySeparatorChar);
            nint h = bareName ? TryLoadByName(candidate, tried) : TryLoadFile(candidate, "", tried);
            if (h != 0) return new LibraryLoadResult(library, candidate, h, tried, emptyFolders);
        }
        return new LibraryLoadResult(library, null, 0, tried, emptyFolders);
    }

    /// <summary>
    /// The library files found in the search folders, newest version first (ties keep folder order),
    /// one entry per real file; plus the folders that held none.
    /// </summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> FoldersWithoutMatch) FindFiles(
        CudaLibrary library, Func<string, string?> getEnvironment)
    {
        var found = new List<(string Path, int[] Version)>();
        var empty = new List<string>();
        foreach (string folder in SearchFolders(library, getEnvironment))
        {
            int before = found.Count;
            foreach (string file in SafeFiles(folder))
            {
                int[]? version = ParseVersion(library, Path.GetFileName(file));
                if (version is not null) found.Add((file, version));
            }
            if (found.Count == before) empty.Add(folder);
        }
        var files = found
            .OrderByDescending(f => f.Version, VersionComparer.Instance)
            .DistinctBy(f => Canonical(f.Path))
            .Select(f => f.Path)
            .ToList();
        return (files, empty);
    }

    /// <summary>
    /// The version a file name carries when it names <paramref name="library"/>: "libnvrtc.so.11.8.89" -> [11, 8, 89],
    /// "libnvrtc.so" -> [], "nvrtc64_120_0.dll" -> [12, 0, 0]; null for any other file ("libnvrtc-builtins.so.12").
    /// </summary>
    public static int[]? ParseVersion(CudaLibrary library, string fileName)
    {
        if (IsWindows)
        {
            var w = Regex.Match(fileName, "^" + Regex.Escape(CudaLibraryFacts.WindowsPrefix(library)) + @"(\d*)((?:_\d+)*)\.dll$", RegexOptions.IgnoreCase);
            if (!w.Success) return null;
            var parts = new List<int>();
            if (w.Groups[1].Value.Length > 0)
            {
                int first = int.Parse(w.Groups[1].Value);
                // nvrtc64_120_0.dll: "120" is 12.0.
                if (library == CudaLibrary.Nvrtc && first >= 100) parts.AddRange([first / 10, first % 10]);
                else parts.Add(first);
            }
            parts.AddRange(w.Groups[2].Value.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            return [.. parts];
        }
        var m = Regex.Match(fileName, "^" + Regex.Escape(CudaLibraryFacts.LinuxStem(library)) + @"\.so((?:\.\d+)*)$");
        return m.Success ? m.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray() : null;
    }

    /// <summary>The existing folders searched, in order, each once.</summary>
    public static IReadOnlyList<string> SearchFolders(CudaLibrary library, Func<string, string?> getEnvironment)
    {
        var folders = new List<string>();
        void AddToolkit(string? root)
        {
            if (string.IsNullOrWhiteSpace(root)) return;
            if (IsWindows) { folders.Add(Path.Combine(root, "bin")); folders.Add(Path.Combine(root, "bin", "x64")); return; }
            folders.Add(Path.Combine(root, "lib64"));
            folders.Add(Path.Combine(root, "lib"));
            folders.Add(Path.Combine(root, "targets", "x86_64-linux", "lib"));
            folders.Add(Path.Combine(root, "targets", "sbsa-linux", "lib"));
        }

        AddToolkit(getEnvironment("CUDA_PATH"));
        AddToolkit(getEnvironment("CUDA_HOME"));
        if (IsWindows)
        {
            folders.AddRange(SplitPathList(getEnvironment("PATH")));
            folders.Add(Environment.GetFolderPath(Environment.SpecialFolder.System));
        }
        else
        {
            // /usr/local/cuda first (the admin's choice), then versioned installs newest first.
            AddToolkit("/usr/local/cuda");
            foreach (string dir in SafeDirectories("/usr/local", "cuda-*").OrderByDescending(d => d, StringComparer.Ordinal))
                AddToolkit(dir);
            if (library == CudaLibrary.Driver) folders.AddRange(["/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"]);
            folders.AddRange(["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64", "/lib"]);
            folders.AddRange(SplitPathList(getEnvironment("LD_LIBRARY_PATH")));
            if (library != CudaLibrary.Driver) folders.AddRange(PipWheelFolders(getEnvironment));
        }
        return folders
            .Where(Directory.Exists)
            .DistinctBy(Canonical)
            .ToList();
    }

    // pip's nvidia-* wheels put each library under site-packages/nvidia/<component>/lib.
    private static IEnumerable<string> PipWheelFolders(Func<string, string?> getEnvironment)
    {
        var prefixes = new List<string> { "/usr/local/lib", "/usr/lib" };
        foreach (string v in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            if (getEnvironment(v) is { Length: > 0 } p) prefixes.Add(Path.Combine(p, "lib"));
        if (getEnvironment("HOME") is { Length: > 0 } home) prefixes.Add(Path.Combine(home, ".local", "lib"));
        foreach (string prefix in prefixes)
            foreach (string python in SafeDirectories(prefix, "python3*"))
                foreach (string packages in new[] { "site-packages", "dist-packages" })
                    foreach (string component in SafeDirectories(Path.Combine(python, packages, "nvidia"), "*"))
                        yield return Path.Combine(component, "lib");
    }

    private static IEnumerable<string> SafeFiles(string folder)
    {
        try { return Directory.GetFiles(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static IEnumerable<string> SafeDirectories(string parent, string pattern)
    {
        try { return Directory.Exists(parent) ? Directory.GetDirectories(parent, pattern) : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static IEnumerable<string> SplitPathList(string? list) =>
        (list ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static nint TryLoadFile(string path, string origin, List<string> tried)
    {
        if (!File.Exists(path)) { tried.Add($"{path}{origin}: file not found"); return 0; }
        if (!IsSharedLibrary(path)) { tried.Add($"{path}{origin}: not a shared library (a linker script?), skipped"); return 0; }
        try
        {
            nint h = NativeLibrary.Load(path);
            tried.Add($"{path}{origin}: loaded");
            return h;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            tried.Add($"{path}{origin}: {e.Message}");
            return 0;
        }
    }

    private static nint TryLoadByName(string name, List<string> tried)
    {
        try
        {
            nint h = NativeLibrary.Load(name);
            tried.Add($"{name} (system loader): loaded");
            return h;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            tried.Add($"{name} (system loader): not found");
            return 0;
        }
    }

    // ELF on Linux, PE ("MZ") on Windows; anything else (a GNU ld script, a text stub) is not loadable.
    private static bool IsSharedLibrary(string path)
    {
        try
        {
            Span<byte> head = stackalloc byte[4];
            using var f = File.OpenRead(path);
            int n = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            return IsWindows
                ? n >= 2 && head[0] == 'M' && head[1] == 'Z'
                : n == 4 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The path with every symbolic link along it resolved, so one file reached two ways counts once.</summary>
    internal static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? "";
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            try
            {
                FileSystemInfo? target = new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true);
                current = target?.FullName ?? next;
            }
            catch (IOException)
            {
                current = next;
            }
        }
        return current;
    }

    private sealed class VersionComparer : IComparer<int[]>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            x ??= []; y ??= [];
            for (int i = 0; i < Math.Max(x.Length, y.Length); i++)
            {
                int a = i < x.Length ? x[i] : -1, b = i < y.Length ? y[i] : -1;
                if (a != b) return a.CompareTo(b);
            }
            return 0;
        }
    }
}
