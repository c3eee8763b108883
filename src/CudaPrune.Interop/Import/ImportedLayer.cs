using CudaPrune.Core.Models;

namespace CudaPrune.Interop.Import;

/// <summary>
/// One layer the importer matched: its spec (named after its node until the names are chosen), a name
/// taken from the file when it has a usable one, the kind used to make up a name otherwise, and its
/// tensors by the part of their state-dict name after the layer's ("weight", "bn1.running_var").
/// </summary>
internal sealed record ImportedLayer(LayerSpec Spec, string? NameFromFile, string Kind, IReadOnlyDictionary<string, float[]> Tensors);

/// <summary>A convolution read from a Conv node: its spec and values.</summary>
internal sealed record ConvPart(ConvSpec Spec, float[] Weight, float[]? Bias, string WeightName);

/// <summary>A batch norm read from a BatchNormalization node (epsilon already made ours), or made up for a convolution without one.</summary>
internal sealed record BatchNormPart(int Channels, float[] Gamma, float[] Beta, float[] Mean, float[] Variance, string? ScaleName)
{
    public Dictionary<string, float[]> Tensors(string prefix) => new(StringComparer.Ordinal)
    {
        [$"{prefix}weight"] = Gamma,
        [$"{prefix}bias"] = Beta,
        [$"{prefix}running_mean"] = Mean,
        [$"{prefix}running_var"] = Variance,
    };
}
