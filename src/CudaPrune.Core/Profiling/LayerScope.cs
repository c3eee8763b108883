namespace CudaPrune.Core.Profiling;

/// <summary>
/// The module path ("layer1.0.conv1") whose forward or backward is running on this thread, so a
/// profiler can attribute each kernel launch to a layer. Modules push their path around Forward.
/// </summary>
public static class LayerScope
{
    [ThreadStatic] private static Stack<string>? _paths;

    /// <summary>The innermost path, or "" outside any module.</summary>
    public static string Current => _paths is { Count: > 0 } p ? p.Peek() : "";

    /// <summary>Enters <paramref name="path"/> until the returned handle is disposed.</summary>
    public static Handle Enter(string path)
    {
        (_paths ??= new Stack<string>()).Push(path);
        return new Handle();
    }

    /// <summary>Leaves the scope entered by <see cref="Enter"/>.</summary>
    public readonly struct Handle : IDisposable
    {
        public void Dispose() => _paths?.Pop();
    }
}
