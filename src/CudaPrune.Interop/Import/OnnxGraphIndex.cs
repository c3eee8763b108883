using CudaPrune.Interop.Onnx.Proto;

namespace CudaPrune.Interop.Import;

/// <summary>
/// Lookup tables over a graph for the importer: constants (initializers, Constant nodes and Identity
/// copies of them), who produces and who consumes each value, pass-through nodes, and which nodes the
/// importer has used.
/// </summary>
internal sealed class OnnxGraphIndex
{
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeProto, int> _position = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<NodeProto> _used = new(ReferenceEqualityComparer.Instance);

    public OnnxGraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var t in graph.Initializer) _constants[t.Name] = t;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            _position[node] = i;
            foreach (var input in node.Input.Where(v => v.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                list.Add(node);
            }
        }
        // Nodes are in topological order, so one pass finds Identity copies of Constant outputs too.
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant" && node.Output.Count == 1)
            {
                _constants[node.Output[0]] = ConstantValue(node);
                _used.Add(node);
            }
            else if (node.OpType == "Identity" && node.Input.Count == 1 && _constants.TryGetValue(node.Input[0], out var source))
            {
                _constants[node.Output[0]] = source;
                _used.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    /// <summary>How a node is named in messages: its name, or its position and operator when it has none.</summary>
    public string Label(NodeProto node) => node.Name.Length > 0 ? node.Name : $"#{_position[node]} ({node.OpType})";

    public bool IsConstant(string value) => _constants.ContainsKey(value);

    /// <summary>The constant tensor behind <paramref name="value"/>; throws naming <paramref name="node"/> when it is computed at run time.</summary>
    public TensorProto Constant(string value, NodeProto node, string what) =>
        _constants.TryGetValue(value, out var t) ? t
            : throw new OnnxImportException($"node '{Label(node)}' ({node.OpType}): its {what} '{value}' is computed by the graph; it must be a constant (an initializer)", Label(node));

    /// <summary>The optional constant input <paramref name="index"/> of a node, or null when the node has no such input.</summary>
    public TensorProto? OptionalConstant(NodeProto node, int index, string what) =>
        index < node.Input.Count && node.Input[index].Length > 0 ? Constant(node.Input[index], node, what) : null;

    public void MarkUsed(NodeProto node) => _used.Add(node);

    /// <summary>Nodes the importer has not used (not a layer, helper or constant on the path from input to output).</summary>
    public IEnumerable<NodeProto> Unused() => Graph.Node.Where(n => !_used.Contains(n));

    /// <summary>
    /// The nodes that compute with <paramref name="value"/> as activations: pass-through nodes (Identity,
    /// Dropout, a Pad of zeros) are looked through and marked used; Shape nodes (shape arithmetic, read
    /// when a Reshape needs it) are left out.
    /// </summary>
    public List<NodeProto> LayerConsumers(string value)
    {
        var result = new List<NodeProto>();
        foreach (var node in _consumers.GetValueOrDefault(value) ?? [])
        {
            if (node.OpType == "Shape") continue;
            if (IsPassThrough(node))
            {
                _used.Add(node);
                result.AddRange(LayerConsumers(node.Output[0]));
            }
            else result.Add(node);
        }
        return result;
    }

    /// <summary>True when <paramref name="value"/> is the graph's output, directly or through pass-through nodes.</summary>
    public bool ReachesOutput(string value, string output)
    {
        if (value == output) return true;
        var next = _consumers.GetValueOrDefault(value) ?? [];
        return next.Count == 1 && IsPassThrough(next[0]) && ReachesOutput(next[0].Output[0], output);
    }

    /// <summary>Identity, inference Dropout (its mask output unused) and a Pad that adds nothing, on an activation.</summary>
    private bool IsPassThrough(NodeProto node)
    {
        if (node.Input.Count == 0 || IsConstant(node.Input[0]) || !OnnxOps.IsDefaultDomain(node.Domain)) return false;
        return node.OpType switch
        {
            "Identity" => true,
            "Dropout" => node.Output.Skip(1).All(o => o.Length == 0 || !_consumers.ContainsKey(o)),
            "Pad" => PadsAreZero(node),
            _ => false,
        };
    }

    // Pad's pads are an input from opset 11 on, an attribute before.
    private bool PadsAreZero(NodeProto node)
    {
        long[]? pads = node.Input.Count > 1 && node.Input[1].Length > 0
            ? (_constants.TryGetValue(node.Input[1], out var t) ? OnnxTensors.ReadInts(t) : null)
            : OnnxAttributes.GetInts(node, "pads");
        return pads is not null && pads.All(p => p == 0);
    }

    /// <summary>The tensor of a Constant node (value, or the value_int(s) / value_float(s) shorthands).</summary>
    private static TensorProto ConstantValue(NodeProto node)
    {
        var name = node.Output[0];
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "value":
                    var t = a.T.Clone();
                    t.Name = name;
                    return t;
                case "value_int":
                    var scalar = OnnxTensors.Int64(name, [a.I]);
                    scalar.Dims.Clear();
                    return scalar;
                case "value_ints":
                    return OnnxTensors.Int64(name, a.Ints.ToArray());
                case "value_float":
                    return OnnxTensors.Float(name, [], [a.F]);
                case "value_floats":
                    return OnnxTensors.Float(name, [a.Floats.Count], a.Floats.ToArray());
            }
        }
        throw new OnnxImportException($"Constant node '{node.Name}' has no value of a supported kind (value, value_int(s), value_float(s))", node.Name);
    }
}
