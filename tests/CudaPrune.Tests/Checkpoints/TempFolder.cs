namespace CudaPrune.Tests.Checkpoints;

/// <summary>A fresh folder for one test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cudaprune-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every file name in the folder, hidden ones included.</summary>
    public string[] Files() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
