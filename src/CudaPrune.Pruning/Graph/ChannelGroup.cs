namespace CudaPrune.Pruning.Graph;

/// <summary>
/// A connected component of the <see cref="DependencyGraph"/>: channel dimensions that must be pruned
/// together. A plain conv's group is its output channels, its batch norm and the next layer's inputs; a
/// ResNet stage's group is every conv that writes into its residual sum, their batch norms and every reader.
/// </summary>
public sealed class ChannelGroup
{
    internal ChannelGroup(int id, IReadOnlyList<ChannelNode> nodes, IReadOnlyList<ChannelNode> gates)
    {
        Id = id;
        Nodes = nodes;
        Gates = gates;
        Channels = nodes[0].Channels;
        var first = nodes.FirstOrDefault(n => n.IsFilter) ?? nodes[0];
        Name = first.Role is ChannelRole.ImageInput or ChannelRole.Logits ? first.ToString() : first.Layer;
    }

    /// <summary>Index in <see cref="DependencyGraph.Groups"/>.</summary>
    public int Id { get; }

    /// <summary>The first writing layer (or "input"/"logits" for the fixed groups).</summary>
    public string Name { get; }

    /// <summary>How many channels every member has.</summary>
    public int Channels { get; }

    /// <summary>Every member, in the order the model runs them.</summary>
    public IReadOnlyList<ChannelNode> Nodes { get; }

    /// <summary>
    /// The members whose output is the activation the rest of the network sees (a batch norm, or a conv
    /// with no batch norm after it): where first-order Taylor measures activation × gradient.
    /// </summary>
    public IReadOnlyList<ChannelNode> Gates { get; }

    /// <summary>False for the groups holding the input image's channels or the logits.</summary>
    public bool IsPrunable => !Nodes.Any(n => n.Role is ChannelRole.ImageInput or ChannelRole.Logits);

    /// <summary>More than one layer writes these channels (a residual sum).</summary>
    public bool IsResidual => Filters.Count() > 1;

    /// <summary>Conv and linear outputs: the filters of L1/L2 criteria.</summary>
    public IEnumerable<ChannelNode> Filters => Nodes.Where(n => n.IsFilter);

    public IEnumerable<ChannelNode> BatchNorms => Nodes.Where(n => n.Role == ChannelRole.BatchNorm);

    public IEnumerable<ChannelNode> Readers => Nodes.Where(n => n.IsReader);

    /// <summary>Whether a member belongs to <paramref name="layerName"/> or to a layer inside it ("layer1.0" holds "layer1.0.conv1").</summary>
    public bool Touches(string layerName) =>
        Nodes.Any(n => n.Layer == layerName || n.Layer.StartsWith(layerName + ".", StringComparison.Ordinal));

    public override string ToString() => $"group {Id} '{Name}' ({Channels} channels)";
}
