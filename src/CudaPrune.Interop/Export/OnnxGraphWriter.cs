using CudaPrune.Interop.Onnx.Proto;

namespace CudaPrune.Interop.Export;

/// <summary>Appends nodes and initializers to a graph; each node's single output value is named after the node.</summary>
internal sealed class OnnxGraphWriter
{
    public GraphProto Graph { get; } = new();

    /// <summary>Adds a node named <paramref name="name"/> and returns its output value (also <paramref name="name"/>).</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>Adds a float initializer and returns its name.</summary>
    public string Initializer(string name, int[] shape, float[] values)
    {
        Graph.Initializer.Add(OnnxTensors.Float(name, shape, values));
        return name;
    }

    /// <summary>Renames the last node's output (the graph output) to <paramref name="name"/>.</summary>
    public void NameLastOutput(string name) => Graph.Node[^1].Output[0] = name;
}
