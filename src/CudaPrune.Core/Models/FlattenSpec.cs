namespace CudaPrune.Core.Models;

/// <summary>[C,H,W] → flat [C·H·W], channel-major (index c·H·W + h·W + w); a flat input passes unchanged.</summary>
public sealed record FlattenSpec(string Name) : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input) => FeatureShape.Flat(checked((int)input.Count));

    /// <summary>A view: no work.</summary>
    public override LayerCost Cost(FeatureShape input) => new(0, 0);
}
