using CudaPrune.Core.Models;

namespace CudaPrune.Experiment.Engines;

/// <summary>
/// An inference engine whose latency compare measures: ours, or a production engine beside it, so that
/// every verdict can be read against an engine people deploy.
/// </summary>
public interface ILatencyEngine : IDisposable
{
    /// <summary>Short stable name for reports and results ("cudaprune", "onnxruntime").</summary>
    string Name { get; }

    /// <summary>Whether the engine can run here; when not, why (a missing native library is an answer, not a crash).</summary>
    EngineAvailability Availability { get; }

    /// <summary>What the timings depend on, in words: version, device, threads, optimisation level.</summary>
    string Description { get; }

    /// <summary>
    /// Readies <paramref name="model"/> at <paramref name="batch"/> on fixed random input: after this, each
    /// <see cref="ILatencyRun.Run"/> is one inference and nothing else. Throws when the engine is unavailable.
    /// </summary>
    ILatencyRun Prepare(Model model, int batch);
}
