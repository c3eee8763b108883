namespace CudaPrune.Core.Models;

/// <summary>ReLU, on any shape.</summary>
public sealed record ReluSpec(string Name) : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input) => input;

    /// <summary>1 FLOP (a max) per element.</summary>
    public override LayerCost Cost(FeatureShape input) => new(0, input.Count);
}
