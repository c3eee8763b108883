using System.Text.Json.Serialization;

namespace CudaPrune.Core.Models;

/// <summary>
/// One entry of a <see cref="ModelSpec"/>: a layer (or residual block) with every channel count it
/// needs, so the spec alone fixes all tensor shapes. Immutable: pruning rewrites a spec with
/// <c>with</c> expressions (<c>conv with { OutChannels = 48 }</c>).
/// </summary>
/// <remarks>
/// <see cref="Name"/> is the module path of the layer ("conv1", "features.3", "layer2.0"): its
/// parameters are saved as "&lt;name&gt;.weight" and so on, as PyTorch's state_dict names them.
/// A dotted name places the layer in a container (a Sequential) named by the prefix.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ConvSpec), "conv")]
[JsonDerivedType(typeof(BatchNormSpec), "batchnorm")]
[JsonDerivedType(typeof(ReluSpec), "relu")]
[JsonDerivedType(typeof(MaxPoolSpec), "maxpool")]
[JsonDerivedType(typeof(AvgPoolSpec), "avgpool")]
[JsonDerivedType(typeof(GlobalAvgPoolSpec), "globalavgpool")]
[JsonDerivedType(typeof(FlattenSpec), "flatten")]
[JsonDerivedType(typeof(LinearSpec), "linear")]
[JsonDerivedType(typeof(BasicBlockSpec), "basicblock")]
public abstract record LayerSpec
{
    // Only this assembly defines layer kinds: the JSON form, the builder, the pruner and the exporters all know the full set.
    private protected LayerSpec(string name) => Name = name;

    [JsonPropertyOrder(-1)] // after "type", before the layer's own properties
    public string Name { get; init; }

    /// <summary>The shape this layer produces from <paramref name="input"/>; throws <see cref="ModelSpecException"/> naming the layer when they do not fit.</summary>
    public abstract FeatureShape OutputShape(FeatureShape input);

    /// <summary>Parameters and FLOPs for one sample of shape <paramref name="input"/>.</summary>
    public abstract LayerCost Cost(FeatureShape input);

    /// <summary>The tensors this layer holds, with full state-dict names, in state_dict order.</summary>
    public virtual IEnumerable<StateTensorSpec> StateTensors() => [];

    /// <summary>An error about this layer.</summary>
    protected ModelSpecException Error(string message) => new($"layer '{Name}' ({GetType().Name.Replace("Spec", "")}): {message}", Name);

    protected FeatureShape RequireMap(FeatureShape input)
    {
        if (input.IsFlat) throw Error($"needs a feature map [C,H,W] as input, got the flat vector {input}");
        return input;
    }

    protected static void RequirePositive(LayerSpec layer, int value, string what)
    {
        if (value <= 0) throw layer.Error($"{what} must be positive, got {value}");
    }
}
