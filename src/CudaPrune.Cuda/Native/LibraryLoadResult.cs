namespace CudaPrune.Cuda.Native;

/// <summary>The outcome of looking for one native library: the loaded path, or every path tried and why each failed.</summary>
/// <param name="Library">Which library.</param>
/// <param name="Path">The file (or loader name) that loaded; null when none did.</param>
/// <param name="Handle">The native library handle; 0 when none loaded.</param>
/// <param name="Tried">One line per attempt: "path: why it was rejected" (the successful one last).</param>
/// <param name="FoldersWithoutMatch">Folders searched that held no matching file.</param>
public sealed record LibraryLoadResult(
    CudaLibrary Library,
    string? Path,
    nint Handle,
    IReadOnlyList<string> Tried,
    IReadOnlyList<string> FoldersWithoutMatch)
{
    public bool IsLoaded => Handle != 0;

    /// <summary>One paragraph for people: where it loaded from, or what was tried and what to do.</summary>
    public string Message
    {
        get
        {
            string name = CudaLibraryFacts.DisplayName(Library);
            if (IsLoaded) return $"{name} loaded from {Path}";
            var lines = new List<string> { $"{name} could not be loaded. Tried:" };
            lines.AddRange(Tried.Count == 0 ? ["  (no candidate file found)"] : Tried.Select(t => "  " + t));
            if (FoldersWithoutMatch.Count > 0)
                lines.Add("Folders searched without a match: " + string.Join(", ", FoldersWithoutMatch));
            lines.Add($"Set {CudaLibraryFacts.OverrideVariable(Library)} to the library's full path, or {CudaLibraryFacts.InstallHint(Library)}.");
            return string.Join(Environment.NewLine, lines);
        }
    }
}
