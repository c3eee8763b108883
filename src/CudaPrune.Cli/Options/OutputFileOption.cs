namespace CudaPrune.Cli.Options;

/// <summary>Checks a report-file option (<c>--json</c>, <c>--csv</c>) before any work, so a bad path fails at once rather than after a long run.</summary>
public static class OutputFileOption
{
    /// <summary>The full path of <paramref name="path"/>, or null when the option was not given; an empty path or a folder is refused.</summary>
    public static string? Resolve(string? path, string option)
    {
        if (path is null) return null;
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"{option} is empty: give a file path");
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"{option} {path} is a folder: give a file path");
        return full;
    }
}
