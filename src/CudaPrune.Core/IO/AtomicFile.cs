namespace CudaPrune.Core.IO;

/// <summary>Writes a file through a temporary file in the same folder and a rename, so readers never see half of it.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) =>
        Write(path, tmp => File.WriteAllText(tmp, contents));

    /// <summary>Runs <paramref name="write"/> on a temporary path, then renames it over <paramref name="path"/>; on failure nothing is left behind.</summary>
    public static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
