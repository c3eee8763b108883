namespace CudaPrune.Core.Models;

/// <summary>Fully connected layer on a flat input: weight [OutFeatures, InFeatures], optional bias [OutFeatures].</summary>
public sealed record LinearSpec(string Name, int InFeatures, int OutFeatures, bool Bias = true) : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input)
    {
        RequirePositive(this, InFeatures, "in_features");
        RequirePositive(this, OutFeatures, "out_features");
        if (!input.IsFlat)
            throw Error($"needs a flat input but gets the feature map {input} ({input.Count} values): add a flatten or global pooling layer before it");
        if (input.Channels != InFeatures)
            throw Error($"in_features is {InFeatures} but its input has {input.Channels} features");
        return FeatureShape.Flat(OutFeatures);
    }

    /// <summary>2·MACs, plus one add per output for the bias.</summary>
    public override LayerCost Cost(FeatureShape input)
    {
        OutputShape(input);
        long weights = (long)OutFeatures * InFeatures;
        return new(weights + (Bias ? OutFeatures : 0), 2 * weights + (Bias ? OutFeatures : 0));
    }

    public override IEnumerable<StateTensorSpec> StateTensors()
    {
        yield return new($"{Name}.weight", [OutFeatures, InFeatures], false);
        if (Bias) yield return new($"{Name}.bias", [OutFeatures], false);
    }
}
