using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Graph;

/// <summary>
/// Walks a spec in execution order, creating a node per channel dimension and joining (union-find)
/// every node that consumes an activation with the node that produced it.
/// </summary>
internal sealed class DependencyGraphBuilder(ModelSpec spec)
{
    private readonly List<ChannelNode> _nodes = [];
    private readonly List<int> _parent = [];
    private readonly HashSet<int> _gates = [];

    public DependencyGraph Build()
    {
        var shapes = spec.InferShapes();
        int current = Add("input", ChannelRole.ImageInput, spec.InputChannels);
        int blockSize = 1; // columns per channel once the activation is flat
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var input = shapes[i];
            switch (spec.Layers[i])
            {
                case ConvSpec c:
                    current = Conv(c, current);
                    break;
                case BatchNormSpec b:
                    current = Norm(b, current);
                    break;
                case LinearSpec l:
                    current = Linear(l, current, blockSize);
                    blockSize = 1;
                    break;
                case FlattenSpec:
                    if (!input.IsFlat) blockSize = input.Height * input.Width;
                    break;
                case GlobalAvgPoolSpec:
                    blockSize = 1;
                    break;
                case BasicBlockSpec b:
                    current = Block(b, current);
                    break;
                case ReluSpec or PoolSpec:
                    break; // channel-wise: the channels pass through
                default:
                    throw new NotSupportedException($"layer '{spec.Layers[i].Name}': the dependency graph does not know layers of type {spec.Layers[i].GetType().Name}");
            }
        }
        int logits = Add("logits", ChannelRole.Logits, spec.NumClasses);
        Consume(current, logits);
        return new DependencyGraph(spec, _nodes, Components());
    }

    private int Conv(ConvSpec c, int input)
    {
        Consume(input, Add(c.Name, ChannelRole.ConvIn, c.InChannels));
        return Add(c.Name, ChannelRole.ConvOut, c.OutChannels);
    }

    private int Norm(BatchNormSpec b, int input)
    {
        int n = Add(b.Name, ChannelRole.BatchNorm, b.Channels);
        Union(input, n);
        return n;
    }

    private int Linear(LinearSpec l, int input, int blockSize)
    {
        Consume(input, Add(l.Name, ChannelRole.LinearIn, l.InFeatures / blockSize, blockSize));
        return Add(l.Name, ChannelRole.LinearOut, l.OutFeatures);
    }

    /// <summary>The residual branch and the shortcut both write the block's output: their channels are one group.</summary>
    private int Block(BasicBlockSpec b, int input)
    {
        int branch = Norm(b.Bn2, Conv(b.Conv2, Norm(b.Bn1, Conv(b.Conv1, input))));
        int skip = b.ShortcutConv is { } sc ? Norm(b.ShortcutBn!, Conv(sc, input)) : input;
        _gates.Add(branch);
        _gates.Add(skip);
        Union(branch, skip);
        return branch;
    }

    /// <summary>An activation read by another layer: its producer is a gate, and the reader holds its channels.</summary>
    private void Consume(int producer, int reader)
    {
        _gates.Add(producer);
        Union(producer, reader);
    }

    private int Add(string layer, ChannelRole role, int channels, int blockSize = 1)
    {
        _nodes.Add(new ChannelNode(_nodes.Count, layer, role, channels, blockSize));
        _parent.Add(_nodes.Count - 1);
        return _nodes.Count - 1;
    }

    private int Find(int a)
    {
        while (_parent[a] != a) a = _parent[a] = _parent[_parent[a]];
        return a;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra != rb) _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }

    private List<ChannelGroup> Components()
    {
        var groups = new List<ChannelGroup>();
        foreach (var members in _nodes.GroupBy(n => Find(n.Id)).OrderBy(g => g.Key))
        {
            var nodes = members.ToList();
            if (nodes.Any(n => n.Channels != nodes[0].Channels))
                throw new InvalidOperationException($"model '{spec.Name}': channel counts disagree within one group: {string.Join(", ", nodes.Select(n => $"{n} {n.Channels}"))}");
            groups.Add(new ChannelGroup(groups.Count, nodes, nodes.Where(n => _gates.Contains(n.Id)).ToList()));
        }
        return groups;
    }
}
