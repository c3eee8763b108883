namespace CudaPrune.Pruning.Criteria;

/// <summary>The command-line names of the criteria, and which method each applies to.</summary>
public static class CriterionNames
{
    public static IReadOnlyList<string> Channel { get; } = ["l1", "l2", "bn", "taylor", "random"];
    public static IReadOnlyList<string> Layer { get; } = ["l1", "output-change", "taylor", "random"];
    public static IReadOnlyList<string> All { get; } = Channel.Union(Layer).ToList();

    public static ChannelCriterion ParseChannel(string name) => Normalise(name) switch
    {
        "l1" => ChannelCriterion.L1,
        "l2" => ChannelCriterion.L2,
        "bn" => ChannelCriterion.BatchNorm,
        "taylor" => ChannelCriterion.Taylor,
        "random" => ChannelCriterion.Random,
        var n => throw Unknown(n, "channel", Channel),
    };

    public static LayerCriterion ParseLayer(string name) => Normalise(name) switch
    {
        "l1" => LayerCriterion.L1,
        "output-change" => LayerCriterion.OutputChange,
        "taylor" => LayerCriterion.Taylor,
        "random" => LayerCriterion.Random,
        var n => throw Unknown(n, "layer", Layer),
    };

    public static string Name(ChannelCriterion c) => Channel[(int)c];

    public static string Name(LayerCriterion c) => Layer[(int)c];

    /// <summary>Whether the criterion reads calibration batches (forward and backward passes).</summary>
    public static bool NeedsData(ChannelCriterion c) => c == ChannelCriterion.Taylor;

    public static bool NeedsData(LayerCriterion c) => c is LayerCriterion.Taylor or LayerCriterion.OutputChange;

    private static string Normalise(string name) => (name ?? "").Trim().ToLowerInvariant();

    private static ArgumentException Unknown(string name, string method, IReadOnlyList<string> valid) =>
        All.Contains(name)
            ? new ArgumentException($"criterion '{name}' does not apply to {method} pruning: {method} pruning takes {string.Join(", ", valid)}")
            : new ArgumentException($"unknown criterion '{name}': expected one of {string.Join(", ", All)} ({method} pruning takes {string.Join(", ", valid)})");
}
