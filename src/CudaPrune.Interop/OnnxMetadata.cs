using System.Globalization;
using CudaPrune.Core.Data;

namespace CudaPrune.Interop;

/// <summary>
/// The metadata_props keys of an exported model: how to prepare its input (CIFAR-10 normalisation),
/// what its output is, and the spec it came from.
/// </summary>
public static class OnnxMetadata
{
    /// <summary>The spec JSON of the exported model (before any batch-norm folding).</summary>
    public const string SpecKey = "cudaprune.spec";
    /// <summary>"true" when batch norms were folded into the convolutions before them.</summary>
    public const string FoldedBatchNormKey = "cudaprune.folded_batchnorm";
    public const string LayoutKey = "input.layout";
    public const string ChannelOrderKey = "input.channel_order";
    public const string ScaleKey = "input.scale";
    public const string MeanKey = "input.mean";
    public const string StdKey = "input.std";
    public const string NormalizationKey = "input.normalization";
    public const string OutputKey = "output";
    public const string ClassesKey = "output.classes";

    /// <summary>The normalisation entries: NCHW, RGB, pixels scaled to [0,1], then (x - mean[c]) / std[c].</summary>
    public static IEnumerable<KeyValuePair<string, string>> Input() =>
    [
        new(LayoutKey, "NCHW"),
        new(ChannelOrderKey, "RGB"),
        new(ScaleKey, "pixel / 255: values in [0, 1] before normalising"),
        new(MeanKey, Join(Cifar10.Mean)),
        new(StdKey, Join(Cifar10.Std)),
        new(NormalizationKey, "x[n,c,h,w] = (pixel[n,c,h,w] / 255 - mean[c]) / std[c], c = R, G, B (CIFAR-10 training statistics)"),
        new(OutputKey, "logits [N, classes]: unnormalised scores; softmax gives probabilities"),
        new(ClassesKey, string.Join(",", Cifar10.ClassNames)),
    ];

    private static string Join(IReadOnlyList<float> values) =>
        string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
