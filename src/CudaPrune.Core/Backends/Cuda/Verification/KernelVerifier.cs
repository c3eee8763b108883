using System.Diagnostics;
using CudaPrune.Cuda.Emulation;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Runs kernel checks on a CUDA backend (real or emulated) one by one: a check that fails or throws is
/// reported and the run goes on. What `cudaprune verify` and the Emulated/Gpu test categories run.
/// </summary>
public static class KernelVerifier
{
    /// <summary>Why tensor-core versions are skipped on the emulator.</summary>
    public const string MmaSkipReason = "tensor-core (mma) code is not in the emulator build; it runs on a real GPU only";

    /// <summary>The checks whose op is <paramref name="op"/> or starts with it ("batch_norm" selects every batch-norm op); all when null.</summary>
    public static IEnumerable<KernelCheck> Select(IEnumerable<KernelCheck> checks, string? op) =>
        string.IsNullOrEmpty(op) ? checks : checks.Where(c => c.Op.StartsWith(op, StringComparison.Ordinal));

    /// <summary>Runs one check; never throws (an exception is a failure, with its message as the reason).</summary>
    public static KernelCheckOutcome RunOne(CudaBackend backend, KernelCheck check)
    {
        if (check.NeedsMma && backend.Gpu.IsEmulated) return KernelCheckOutcome.Skip(check, MmaSkipReason);
        var clock = Stopwatch.StartNew();
        backend.Versions.Reset();
        try
        {
            var result = check.Run(backend);
            backend.Synchronize(); // asynchronous kernel errors belong to this check, not the next one
            return new KernelCheckOutcome(check, result.Passed ? CheckStatus.Passed : CheckStatus.Failed, result, result.Note, clock.Elapsed);
        }
        catch (EmulatorUnsupportedKernelException e)
        {
            return new KernelCheckOutcome(check, CheckStatus.Skipped, null, e.Message, clock.Elapsed);
        }
        catch (Exception e)
        {
            return new KernelCheckOutcome(check, CheckStatus.Failed, null, $"{e.GetType().Name}: {e.Message}", clock.Elapsed);
        }
        finally
        {
            backend.Versions.Reset();
        }
    }

    /// <summary>
    /// Runs every check on <paramref name="backend"/>, reporting each outcome to <paramref name="onOutcome"/>
    /// as it comes, and disposes the backend at the end. After a check throws, the device is replaced by
    /// <paramref name="reopen"/> (a crashed kernel can leave a real GPU's context unusable), so one broken
    /// kernel does not fail the checks after it.
    /// </summary>
    public static VerificationReport Run(CudaBackend backend, Func<CudaBackend> reopen, IEnumerable<KernelCheck> checks,
        Action<KernelCheckOutcome>? onOutcome = null)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new List<KernelCheckOutcome>();
        string device = backend.Name;
        CudaBackend? current = backend;
        try
        {
            foreach (var check in checks)
            {
                current ??= reopen();
                var outcome = RunOne(current, check);
                outcomes.Add(outcome);
                onOutcome?.Invoke(outcome);
                if (outcome is { Status: CheckStatus.Failed, Result: null })
                {
                    DisposeQuietly(current);
                    current = null;
                }
            }
        }
        finally
        {
            if (current is not null) DisposeQuietly(current);
        }
        return new VerificationReport(device, outcomes, clock.Elapsed);
    }

    // After a crash the device may refuse even its cleanup (a sticky CUDA error); it is thrown away either way.
    private static void DisposeQuietly(CudaBackend backend)
    {
        try
        {
            backend.Dispose();
        }
        catch (Exception)
        {
            // nothing more can be done with a device that failed
        }
    }
}
