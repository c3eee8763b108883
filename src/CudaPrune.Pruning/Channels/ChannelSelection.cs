using CudaPrune.Pruning.Graph;

namespace CudaPrune.Pruning.Channels;

/// <summary>
/// Turns scores and a ratio into a <see cref="ChannelPlan"/>: uniformly (each eligible group loses the same
/// fraction of its channels) or globally (all eligible channels ranked together, see <see cref="GlobalCounts"/>).
/// Each group keeps its highest-scoring channels, at least one (or <c>roundTo</c>), and a multiple of
/// <c>roundTo</c> unless it stays whole.
/// </summary>
public static class ChannelSelection
{
    /// <summary>
    /// Offset between consecutive groups' ratios when <c>stagger</c> is asked: small enough to be invisible
    /// (1e-5 for 100 groups), far above the budget search's resolution (2^-40).
    /// </summary>
    public const double StaggerStep = 1e-7;

    /// <param name="stagger">
    /// For a budget search with uniform ranking: group i (in <paramref name="eligible"/>'s order) uses
    /// ratio + i·<see cref="StaggerStep"/>. Rounding turns the kept cost into a staircase and, without it,
    /// every group of one size takes its step at the same ratio (resnet20's three stage-3 groups with K = 8
    /// jump together, ~5 % of the FLOPs at once); staggered, they step one at a time and the search can
    /// land within one group's step of the target. Each group still keeps within one rounding step of the ratio.
    /// </param>
    public static ChannelPlan Select(DependencyGraph graph, double[]?[] scores, IReadOnlyCollection<ChannelGroup> eligible,
        double ratio, ChannelRanking ranking, int roundTo, bool stagger = false)
    {
        var keepCounts = ranking == ChannelRanking.Global ? GlobalCounts(scores, eligible, ratio, roundTo) : UniformCounts(eligible, ratio, roundTo, stagger);
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

    /// <summary>The fewest channels a group can keep: 1, or <paramref name="roundTo"/> (all of them when it has fewer).</summary>
    public static int MinimumKeep(int channels, int roundTo) => KeepCount(channels, 0, roundTo);

    private static Dictionary<int, int> UniformCounts(IReadOnlyCollection<ChannelGroup> eligible, double ratio, int roundTo, bool stagger) =>
        eligible.Select((g, i) => (g, r: stagger ? Math.Min(1, ratio + i * StaggerStep) : ratio))
            .ToDictionary(x => x.g.Id, x => KeepCount(x.g.Channels, x.g.Channels * (1 - x.r), roundTo));

    /// <summary>
    /// Removes the lowest-ranked <paramref name="ratio"/> of all eligible channels, skipping a channel whose
    /// group is already at its minimum, then rounds each group's count. Scores are divided by their group's
    /// MEAN first, because raw scores do not compare across groups: Taylor scores and random ones arrive
    /// unnormalised (|Σ a·g| changes scale with depth), and a residual group sums several members. (L1, L2
    /// and bn arrive per-member normalised already, see ChannelScores, so dividing again changes nothing for
    /// them.) The mean, not the max: the mean uses every channel of the group, the max is one channel, and a
    /// single outlier filter would make its whole group look weak. Torch-Pruning's global pruning normalises
    /// by the mean too. The ranking then takes from groups whose scores spread far below their average: a
    /// group of equally useful channels loses few, one holding near-dead channels loses those first.
    /// </summary>
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
        int budget = (int)Math.Round(ratio * ranked.Count, MidpointRounding.AwayFromZero);
        var room = eligible.ToDictionary(g => g.Id, g => g.Channels - MinimumKeep(g.Channels, roundTo));
        var removed = eligible.ToDictionary(g => g.Id, _ => 0);
        foreach (var (_, group, _) in ranked)
        {
            if (budget == 0) break;
            if (removed[group] == room[group]) continue; // this group is at its minimum: the next-lowest channel goes instead
            removed[group]++;
            budget--;
        }
        return eligible.ToDictionary(g => g.Id, g => KeepCount(g.Channels, g.Channels - removed[g.Id], roundTo));
    }

    /// <summary>The indices of the <paramref name="keep"/> highest scores (ties: the lower index), ascending.</summary>
    public static int[] Best(double[] scores, int keep) =>
        Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(keep).Order().ToArray();
}
