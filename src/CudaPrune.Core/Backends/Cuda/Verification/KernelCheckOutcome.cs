namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>What happened to one check in a verification run.</summary>
public enum CheckStatus
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One check's outcome: its result, or why it was skipped, or the exception it threw (a failure).</summary>
public sealed record KernelCheckOutcome(KernelCheck Check, CheckStatus Status, KernelCheckResult? Result, string? Reason, TimeSpan Elapsed)
{
    public static KernelCheckOutcome Skip(KernelCheck check, string reason) => new(check, CheckStatus.Skipped, null, reason, TimeSpan.Zero);
}
