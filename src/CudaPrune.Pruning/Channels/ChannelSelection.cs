using CudaPrune.Pruning.Graph;

namespace CudaPrune.Pruning.Channels;

/// <summary>
/// Turns scores and a ratio into a <see cref="ChannelPlan"/>: locally (each eligible group loses the same
/// fraction of its channels) or globally (all eligible channels ranked together, each group's scores
/// first divided by their mean so groups of different scale compare). Each group keeps its highest-scoring
/// channels, at least one (or <c>roundTo</c>), and a multiple of <c>roundTo</c> unless it stays whole.
/// </summary>
public static class ChannelSelection
{
    public static ChannelPlan Select(DependencyGraph graph, double[]?[] scores, IReadOnlyCollection<ChannelGroup> eligible,
        double ratio, bool global, int roundTo)
    {
        var keepCounts = global ? GlobalCounts(scores, eligible, ratio, roundTo) : LocalCounts(eligible, ratio, roundTo);
        var kept = graph.Groups.Select(g => keepCounts.TryGetValue(g.Id, out int k)
            ? Best(scores[g.Id]!, k)
            : Enumerable.Range(0, g.Channels).ToArray()).ToList();
        return new ChannelPlan(graph, kept);
    }

    /// <summary>
    /// How many of <paramref name="channels"/> a group keeps when <paramref name="desired"/> are wanted:
    /// at least 1 (never empty), and with <paramref name="roundTo"/> K &gt; 1 the nearest multiple of K in
    /// [K, the largest multiple ≤ channels], or all channels when the group has fewer than K or keeps everything.
    /// </summary>
    public static int KeepCount(int channels, double desired, int roundTo)
    {
        if (desired >= channels) return channels;
        if (roundTo <= 1) return Math.Clamp((int)Math.Round(desired, MidpointRounding.AwayFromZero), 1, channels);
        int largest = channels / roundTo * roundTo;
        if (largest == 0) return channels;
        int nearest = (int)Math.Round(desired / roundTo, MidpointRounding.AwayFromZero) * roundTo;
        return Math.Clamp(nearest, roundTo, largest);
    }

    private static Dictionary<int, int> LocalCounts(IReadOnlyCollection<ChannelGroup> eligible, double ratio, int roundTo) =>
        eligible.ToDictionary(g => g.Id, g => KeepCount(g.Channels, g.Channels * (1 - ratio), roundTo));

    private static Dictionary<int, int> GlobalCounts(double[]?[] scores, IReadOnlyCollection<ChannelGroup> eligible, double ratio, int roundTo)
    {
        var ranked = new List<(double Score, int Group, int Channel)>();
        foreach (var g in eligible)
        {
            var s = scores[g.Id]!;
            double mean = s.Average();
            double scale = mean > 0 ? 1.0 / mean : 1.0;
            for (int c = 0; c < s.Length; c++) ranked.Add((s[c] * scale, g.Id, c));
        }
        ranked.Sort();
        int remove = (int)Math.Round(ratio * ranked.Count, MidpointRounding.AwayFromZero);
        var removed = ranked.Take(remove).GroupBy(r => r.Group).ToDictionary(r => r.Key, r => r.Count());
        return eligible.ToDictionary(g => g.Id, g => KeepCount(g.Channels, g.Channels - removed.GetValueOrDefault(g.Id), roundTo));
    }

    /// <summary>The indices of the <paramref name="keep"/> highest scores (ties: the lower index), ascending.</summary>
    public static int[] Best(double[] scores, int keep) =>
        Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(keep).Order().ToArray();
}
