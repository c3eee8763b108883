namespace CudaPrune.Experiment.Engines;

/// <summary>One model readied by one engine at one batch size: each <see cref="Run"/> is one timed inference.</summary>
public interface ILatencyRun : IDisposable
{
    /// <summary>The engine's <see cref="ILatencyEngine.Name"/>.</summary>
    string Engine { get; }

    int Batch { get; }

    /// <summary>One inference on the run's fixed input; its time in milliseconds by the engine's own clock.</summary>
    /// <remarks>
    /// The engine times itself so that ours reports exactly what the profiler reports end to end (CUDA events
    /// on a GPU, a stopwatch on the CPU); ONNX Runtime is timed by a stopwatch around its run call.
    /// </remarks>
    double Run();
}
