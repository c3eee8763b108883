using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Graph;

/// <summary>
/// Which channels of a model must be pruned together, built from its <see cref="ModelSpec"/> alone.
/// Nodes are channel dimensions of tensors (<see cref="ChannelNode"/>); an edge joins two nodes that
/// hold the same channels (a conv's outputs and the next conv's inputs, the two inputs of a residual
/// add); the connected components are the <see cref="Groups"/>.
/// </summary>
public sealed class DependencyGraph
{
    private readonly Dictionary<(string Layer, ChannelRole Role), ChannelNode> _byName;
    private readonly int[] _groupOfNode;

    internal DependencyGraph(ModelSpec spec, IReadOnlyList<ChannelNode> nodes, IReadOnlyList<ChannelGroup> groups)
    {
        Spec = spec;
        Nodes = nodes;
        Groups = groups;
        _byName = nodes.Where(n => n.Role is not (ChannelRole.ImageInput or ChannelRole.Logits)).ToDictionary(n => (n.Layer, n.Role));
        _groupOfNode = new int[nodes.Count];
        foreach (var g in groups)
            foreach (var n in g.Nodes) _groupOfNode[n.Id] = g.Id;
    }

    public ModelSpec Spec { get; }

    public IReadOnlyList<ChannelNode> Nodes { get; }

    /// <summary>Every group, in the order of its first member.</summary>
    public IReadOnlyList<ChannelGroup> Groups { get; }

    /// <summary>The groups whose channels may be removed (not the input image's, not the logits').</summary>
    public IEnumerable<ChannelGroup> PrunableGroups => Groups.Where(g => g.IsPrunable);

    /// <summary>Builds the graph of a spec (validated first).</summary>
    public static DependencyGraph Build(ModelSpec spec) => new DependencyGraphBuilder(spec).Build();

    public ChannelGroup GroupOf(ChannelNode node) => Groups[_groupOfNode[node.Id]];

    /// <summary>The node of a layer's channel dimension, or null (a layer without such a dimension).</summary>
    public ChannelNode? Node(string layer, ChannelRole role) => _byName.GetValueOrDefault((layer, role));

    /// <summary>The group holding a layer's channel dimension, or null.</summary>
    public ChannelGroup? GroupOf(string layer, ChannelRole role) => Node(layer, role) is { } n ? GroupOf(n) : null;

    /// <summary>A printable listing: one paragraph per group with its writers, batch norms and readers.</summary>
    public string ToText() => DependencyGraphText.Format(this);
}
