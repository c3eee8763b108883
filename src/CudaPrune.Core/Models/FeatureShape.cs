namespace CudaPrune.Core.Models;

/// <summary>
/// The shape of one sample's activation between two layers: a feature map [C,H,W], or, after
/// Flatten or global pooling, a flat vector [C] (then <see cref="IsFlat"/> and H = W = 1).
/// </summary>
public readonly record struct FeatureShape(int Channels, int Height, int Width, bool IsFlat)
{
    public static FeatureShape Map(int channels, int height, int width) => new(channels, height, width, false);

    public static FeatureShape Flat(int features) => new(features, 1, 1, true);

    /// <summary>Elements per sample.</summary>
    public long Count => (long)Channels * Height * Width;

    /// <summary>The tensor shape for a batch of <paramref name="n"/>: [N,C,H,W] or [N,F].</summary>
    public int[] WithBatch(int n) => IsFlat ? [n, Channels] : [n, Channels, Height, Width];

    public override string ToString() => IsFlat ? $"[{Channels}]" : $"[{Channels},{Height},{Width}]";
}
