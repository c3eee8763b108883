namespace CudaPrune.Core.Profiling;

/// <summary>
/// <c>CUDAPRUNE_DEBUG</c>: any non-empty value (level 1) prints stack traces of errors; 2 or more also logs
/// every launch (<see cref="LaunchLog"/>). Read once where a backend is opened, never in the hot path.
/// </summary>
public static class DebugLevel
{
    public const string Variable = "CUDAPRUNE_DEBUG";

    /// <summary>The level a launch log needs.</summary>
    public const int Launches = 2;

    /// <summary>The level of a variable's value: 0 unset or empty, its number if it is one, else 1 ("yes" means on).</summary>
    public static int Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? 0 : int.TryParse(value.Trim(), out var n) ? Math.Max(n, 0) : 1;

    /// <summary>At <paramref name="level"/> ≥ <see cref="Launches"/>, adds a <see cref="LaunchLog"/> writing to <paramref name="log"/> to the backend's observers.</summary>
    public static void Apply(Backends.IBackend backend, int level, TextWriter log)
    {
        if (level >= Launches) backend.Observer = OpObservers.Combine(new LaunchLog(log), backend.Observer);
    }

    /// <summary>The level of the process's <c>CUDAPRUNE_DEBUG</c>.</summary>
    public static int FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));
}
