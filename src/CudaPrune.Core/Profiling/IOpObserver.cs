namespace CudaPrune.Core.Profiling;

/// <summary>
/// Sees every op a backend runs — each kernel launch on the CUDA backend, each op on the CPU backend —
/// so a profiler can time it (CUDA events or a stopwatch) and attribute it to <see cref="LayerScope.Current"/>,
/// or a debug log can print it (<see cref="LaunchLog"/>). Several observers at once: <see cref="OpObservers.Combine"/>.
/// </summary>
public interface IOpObserver
{
    /// <summary>Called just before the op is queued (CUDA) or runs (CPU).</summary>
    void Begin(in OpInfo op);

    /// <summary>Called just after the op is queued (CUDA) or has run (CPU).</summary>
    void End();
}
