using CudaPrune.Core.Backends.Cuda.Verification;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// The inputs of one benchmarked shape, on the host and on the device, and the ops that run on them: a
/// bench case queues <see cref="Run"/> in its timing loop and calls <see cref="Validate"/> before and after.
/// </summary>
public interface IKernelWorkload : IDisposable
{
    /// <summary>Queues one run of <paramref name="op"/> with whatever kernel version the backend has selected.</summary>
    void Run(string op);

    /// <summary>
    /// Runs <paramref name="op"/> once from known outputs (gradients zeroed), reads the result back and
    /// compares it with the CPU reference (on slices or sampled elements where the whole would take the
    /// CPU too long).
    /// </summary>
    KernelCheckResult Validate(string op);
}
