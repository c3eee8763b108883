namespace CudaPrune.Core.Models;

/// <summary>2-D batch norm: weight, bias (parameters) and running_mean, running_var (buffers), all [Channels].</summary>
public sealed record BatchNormSpec(string Name, int Channels) : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input)
    {
        RequirePositive(this, Channels, "channels");
        RequireMap(input);
        if (input.Channels != Channels) throw Error($"has {Channels} channels but its input has {input.Channels} channels {input}");
        return input;
    }

    /// <summary>2 FLOPs per element (a scale and a shift, its inference form).</summary>
    public override LayerCost Cost(FeatureShape input) => new(2L * Channels, 2 * OutputShape(input).Count);

    public override IEnumerable<StateTensorSpec> StateTensors()
    {
        yield return new($"{Name}.weight", [Channels], false);
        yield return new($"{Name}.bias", [Channels], false);
        yield return new($"{Name}.running_mean", [Channels], true);
        yield return new($"{Name}.running_var", [Channels], true);
    }
}
