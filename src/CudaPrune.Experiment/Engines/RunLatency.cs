using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment.Engines;

/// <summary>One runnable's measured inferences: every sample in milliseconds, in the order taken, and their statistics (median, p10, p90).</summary>
/// <param name="Rounds">Measured rounds; each gave <see cref="InterleaveOptions.RunsPerTurn"/> samples.</param>
public sealed record RunLatency(string Engine, int Batch, IReadOnlyList<double> SamplesMs, int Rounds)
{
    public SampleStats Stats { get; } = SampleStats.Of(SamplesMs.ToArray());
}
