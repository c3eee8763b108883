namespace CudaPrune.Core.Models;

/// <summary>Mean over each channel's plane: [C,H,W] → flat [C].</summary>
public sealed record GlobalAvgPoolSpec(string Name) : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input) => FeatureShape.Flat(RequireMap(input).Channels);

    /// <summary>One add per input element.</summary>
    public override LayerCost Cost(FeatureShape input) => new(0, RequireMap(input).Count);
}
