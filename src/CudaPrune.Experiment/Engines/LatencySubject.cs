using CudaPrune.Core.Models;

namespace CudaPrune.Experiment.Engines;

/// <summary>A model to time, under the label the results give it (compare's variant names: "baseline", "channel-0.50"...).</summary>
public sealed record LatencySubject(string Label, Model Model);
