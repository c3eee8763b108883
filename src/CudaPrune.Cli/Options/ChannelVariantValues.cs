using System.Globalization;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Pruning.Channels;

namespace CudaPrune.Cli.Options;

/// <summary>Parses the values of <c>--round-to</c> and <c>--ranking</c> (the fair channel-baseline variants).</summary>
public static class ChannelVariantValues
{
    /// <summary>The word <c>--round-to</c> accepts for our conv kernels' tile multiple.</summary>
    public const string Tile = "tile";

    /// <summary>A positive integer, or "tile" = <see cref="ConvTile.RowStep"/> (the step of our conv kernels' tile rows).</summary>
    public static int ParseRoundTo(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v == Tile) return ConvTile.RowStep;
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1) return n;
        throw new ArgumentException($"--round-to must be a whole number of at least 1 or '{Tile}' (= {ConvTile.RowStep}), got '{value}'");
    }

    public static ChannelRanking ParseRanking(string value) => value.Trim().ToLowerInvariant() switch
    {
        "uniform" => ChannelRanking.Uniform,
        "global" => ChannelRanking.Global,
        _ => throw new ArgumentException($"--ranking must be uniform or global, got '{value}'"),
    };
}
