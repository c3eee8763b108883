namespace CudaPrune.Cli;

/// <summary>The exit codes of <c>cudaprune</c> (README, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Done; for <c>verify</c>, every check passed.</summary>
    public const int Success = 0;

    /// <summary>A runtime error (a missing or bad file, no device, a failed check), reported on one <c>error:</c> line.</summary>
    public const int Failure = 1;

    /// <summary>A usage error: an unknown option, a missing required option, a bad or conflicting value.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl+C (SIGINT) or SIGTERM: 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;
}
