namespace CudaPrune.Core.Models;

/// <summary>One row of <see cref="ModelStats"/>: a layer (or a part of a residual block) with its shapes and cost for one sample.</summary>
public sealed record LayerStats(string Name, string Kind, FeatureShape Input, FeatureShape Output, long Params, long Flops);
