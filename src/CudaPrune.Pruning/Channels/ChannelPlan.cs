using CudaPrune.Core.Models;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Verification;

namespace CudaPrune.Pruning.Channels;

/// <summary>
/// A channel-pruning decision: for every group of a <see cref="DependencyGraph"/>, the channel indices
/// it keeps. From it follow the rewritten spec, the compaction (which indices each tensor gathers) and
/// the equivalence mask (which outputs the original model must zero to compute the same function).
/// </summary>
public sealed class ChannelPlan
{
    private ModelSpec? _newSpec;

    /// <param name="kept">Per group id: the kept indices, ascending, at least one; fixed groups keep all.</param>
    public ChannelPlan(DependencyGraph graph, IReadOnlyList<int[]> kept)
    {
        if (kept.Count != graph.Groups.Count) throw new ArgumentException($"a channel plan needs kept indices for all {graph.Groups.Count} groups, got {kept.Count}");
        foreach (var g in graph.Groups)
        {
            var k = kept[g.Id];
            if (k.Length == 0) throw new ArgumentException($"{g} would lose all its channels: a group keeps at least one");
            for (int i = 0; i < k.Length; i++)
                if (k[i] < 0 || k[i] >= g.Channels || (i > 0 && k[i] <= k[i - 1]))
                    throw new ArgumentException($"{g}: kept indices must be ascending, distinct and in [0, {g.Channels}), got [{string.Join(", ", k)}]");
            if (!g.IsPrunable && k.Length != g.Channels) throw new ArgumentException($"{g} holds the input or the logits and cannot be pruned");
        }
        Graph = graph;
        Kept = kept;
    }

    public DependencyGraph Graph { get; }

    /// <summary>Kept channel indices per group id, ascending.</summary>
    public IReadOnlyList<int[]> Kept { get; }

    /// <summary>A plan that removes the given channels of the given groups (by id) and keeps the rest.</summary>
    public static ChannelPlan Removing(DependencyGraph graph, IReadOnlyDictionary<int, int[]> removedByGroup) =>
        new(graph, graph.Groups.Select(g => removedByGroup.TryGetValue(g.Id, out var r)
            ? Enumerable.Range(0, g.Channels).Except(r).ToArray()
            : Enumerable.Range(0, g.Channels).ToArray()).ToList());

    public bool IsPruned(ChannelGroup g) => Kept[g.Id].Length < g.Channels;

    /// <summary>The groups that lose channels.</summary>
    public IEnumerable<ChannelGroup> PrunedGroups => Graph.Groups.Where(IsPruned);

    /// <summary>The removed indices of a group, ascending.</summary>
    public int[] Removed(ChannelGroup g) => Enumerable.Range(0, g.Channels).Except(Kept[g.Id]).ToArray();

    public int RemovedChannels => Graph.Groups.Sum(g => g.Channels - Kept[g.Id].Length);

    /// <summary>The spec with every layer's channel counts cut to the kept channels (validated).</summary>
    public ModelSpec NewSpec => _newSpec ??= ChannelSpecRewrite.Rewrite(this);

    /// <summary>Every tensor of the new spec gathered from the old one of the same name along its pruned dimensions.</summary>
    public CompactionPlan ToCompaction(long seed = 1) => new(NewSpec, ChannelSpecRewrite.Sources(this), seed);

    /// <summary>
    /// Zeroes, in the ORIGINAL model, every output of the removed channels (the filter and bias of each
    /// writing conv or linear, γ and β of each batch norm): then it computes the compacted model's function.
    /// </summary>
    public ZeroMask ToMask()
    {
        var entries = new List<ZeroMask.Entry>();
        foreach (var g in PrunedGroups)
        {
            var removed = Removed(g);
            foreach (var n in g.Nodes.Where(n => n.IsWriter))
            {
                entries.Add(new($"{n.Layer}.weight", 0, removed));
                if (n.Role == ChannelRole.BatchNorm || HasBias(n.Layer)) entries.Add(new($"{n.Layer}.bias", 0, removed));
            }
        }
        return new ZeroMask(entries);
    }

    private bool HasBias(string layer) =>
        Graph.Spec.StateTensors().Any(t => t.Name == $"{layer}.bias");
}
