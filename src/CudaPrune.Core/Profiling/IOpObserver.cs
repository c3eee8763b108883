namespace CudaPrune.Core.Profiling;

/// <summary>
/// Sees every op a backend runs — each kernel launch on the CUDA backend, each op on the CPU backend —
/// so a profiler can time it (CUDA events or a stopwatch) and attribute it to <see cref="LayerScope.Current"/>.
/// </summary>
public interface IOpObserver
{
    /// <summary>Called just before the op is queued. <paramref name="flops"/> and <paramref name="bytes"/> are the op's useful work and minimal memory traffic (0 where not meaningful).</summary>
    void Begin(string kernel, double flops, double bytes);

    /// <summary>Called just after the op is queued (CUDA) or has run (CPU).</summary>
    void End();
}
