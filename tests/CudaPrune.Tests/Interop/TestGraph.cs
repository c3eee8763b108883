using CudaPrune.Interop;
using CudaPrune.Interop.Onnx.Proto;

namespace CudaPrune.Tests.Interop;

/// <summary>Builds small ONNX graphs by hand, in the shapes other exporters (torch.onnx) write them, with seeded random weights.</summary>
public sealed class TestGraph(int seed = 5)
{
    private readonly Random _rng = new(seed);
    private int _unnamed;

    public GraphProto Graph { get; } = new() { Name = "main_graph" };

    public string Input(string name = "input", int channels = 3, int size = 32)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in new[] { channels, size, size }) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        Graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        return name;
    }

    /// <summary>A node with one output named "&lt;name&gt;_output_0" (torch.onnx's style), or "t&lt;k&gt;" for a node without a name.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, name, "", inputs, attributes);

    public string Node(string opType, string name, string domain, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(name.Length > 0 ? $"{name}_output_0" : $"t{_unnamed++}");
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>A float initializer of uniform values in [low, low + range); named like torch's folded constants unless given a name.</summary>
    public string Weights(int[] shape, float low, float range, string? name = null)
    {
        name ??= $"onnx::Init_{_unnamed++}";
        var values = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = low + range * _rng.NextSingle();
        Graph.Initializer.Add(OnnxTensors.Float(name, shape, values));
        return name;
    }

    /// <summary>Conv with Kaiming-uniform weights and, when asked, a bias (torch.onnx folds batch norms into such a bias).</summary>
    public string Conv(string x, string name, int inChannels, int outChannels, int kernel, int stride, int padding, bool bias, string? weightName = null)
    {
        float bound = MathF.Sqrt(6f / (inChannels * kernel * kernel));
        var inputs = new List<string> { x, Weights([outChannels, inChannels, kernel, kernel], -bound, 2 * bound, weightName) };
        if (bias) inputs.Add(Weights([outChannels], -0.1f, 0.2f));
        return Node("Conv", name, inputs, OnnxAttributes.Ints("kernel_shape", kernel, kernel), OnnxAttributes.Ints("strides", stride, stride),
            OnnxAttributes.Ints("pads", padding, padding, padding, padding), OnnxAttributes.Ints("dilations", 1, 1), OnnxAttributes.Int("group", 1));
    }

    /// <summary>BatchNormalization with random statistics; <paramref name="prefix"/> gives state-dict names ("bn1." → "bn1.weight" ...).</summary>
    public string BatchNorm(string x, string name, int channels, float epsilon = 1e-5f, string? prefix = null) =>
        Node("BatchNormalization", name,
        [
            x,
            Weights([channels], 0.6f, 0.8f, prefix is null ? null : prefix + "weight"),
            Weights([channels], -0.1f, 0.2f, prefix is null ? null : prefix + "bias"),
            Weights([channels], -0.1f, 0.2f, prefix is null ? null : prefix + "running_mean"),
            Weights([channels], 0.5f, 1f, prefix is null ? null : prefix + "running_var"),
        ], OnnxAttributes.Float("epsilon", epsilon));

    public string Relu(string x, string name) => Node("Relu", name, [x]);

    public string Constant(string name, params long[] values)
    {
        var node = new NodeProto { OpType = "Constant", Name = name };
        node.Output.Add($"{name}_output_0");
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxTensors.Int64("", values) });
        Graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>The model, with <paramref name="output"/> renamed to the graph output "logits" [batch, classes].</summary>
    public ModelProto Build(string output, int classes, int opset = 17)
    {
        foreach (var node in Graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == output) node.Output[i] = "logits";
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = classes });
        Graph.Output.Add(new ValueInfoProto { Name = "logits", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        var model = new ModelProto { IrVersion = 8, ProducerName = "pytorch", ProducerVersion = "2.5", Graph = Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }
}
