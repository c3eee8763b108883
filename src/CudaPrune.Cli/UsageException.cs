namespace CudaPrune.Cli;

/// <summary>
/// A command line that cannot be run as given (a bad value, a missing or conflicting option): exit code
/// <see cref="ExitCodes.Usage"/>, as for what System.CommandLine itself rejects.
/// </summary>
public sealed class UsageException(string message, Exception? inner = null) : ArgumentException(message, inner);
