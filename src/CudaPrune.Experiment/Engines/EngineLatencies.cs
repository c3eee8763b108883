namespace CudaPrune.Experiment.Engines;

/// <summary>
/// Every available engine's latency on every model at one batch size, measured interleaved, with the engines
/// that could not run and why, and what each engine's timings depend on.
/// </summary>
public sealed record EngineLatencies(
    int Batch,
    IReadOnlyList<EngineModelLatency> Rows,
    IReadOnlyList<SkippedEngine> Skipped,
    IReadOnlyDictionary<string, string> Descriptions)
{
    /// <summary>The row of <paramref name="engine"/> on the model labelled <paramref name="label"/>, or null (a skipped engine has none).</summary>
    public EngineModelLatency? Find(string engine, string label) =>
        Rows.FirstOrDefault(r => r.Engine == engine && r.Label == label);
}

/// <summary>One engine on one model: its samples and statistics.</summary>
public sealed record EngineModelLatency(string Engine, string Label, RunLatency Latency);

/// <summary>An engine left out of a measurement, and why (for the report: "onnxruntime: not available in this build").</summary>
public sealed record SkippedEngine(string Engine, string Reason);
