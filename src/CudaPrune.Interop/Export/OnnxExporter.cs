using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Interop.Onnx.Proto;
using static CudaPrune.Interop.OnnxAttributes;

namespace CudaPrune.Interop.Export;

/// <summary>
/// Writes a model (baseline or pruned: the spec fixes every shape) as a standard ONNX graph: input
/// "input" [N,C,H,W] with a symbolic batch "N", output "logits" [N,classes], initializers under our
/// state-dict names, node names from our module paths.
/// </summary>
/// <remarks>
/// Layer → nodes: conv → Conv; batch norm → BatchNormalization (or folded into the Conv before it);
/// ReLU → Relu; max/avg pool → MaxPool / AveragePool (count_include_pad=1); global pool →
/// GlobalAveragePool + Flatten (our global pool outputs [N,C]); flatten → Flatten; linear → Gemm
/// (transB=1: our weights are [out,in]); basic block → conv1, bn1, relu1, conv2, bn2, the shortcut's
/// conv + bn, Add, Relu, named "&lt;block&gt;.conv1" ... "&lt;block&gt;.add", "&lt;block&gt;.relu".
/// </remarks>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const string BatchDim = "N";
    public const string ProducerName = "cudaprune";

    public static ModelProto Export(ModelWeights weights, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        options.Validate();
        weights.Validate();
        var spec = weights.Spec;
        var graph = new LayerEmitter(weights, options).Emit();
        graph.Name = spec.Name;
        graph.DocString = $"{spec.Name} exported by CudaPrune{(options.FoldBatchNorm ? ", batch norms folded into the convolutions" : "")}";
        graph.Input.Add(TensorValue(InputName, spec.InputChannels, spec.InputHeight, spec.InputWidth));
        graph.Output.Add(TensorValue(OutputName, spec.NumClasses));

        var model = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = "A CIFAR-10 classifier from CudaPrune. Input: see the input.* metadata (NCHW, RGB, normalised); output: logits.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxMetadata.SpecKey, Value = spec.ToJson() });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxMetadata.FoldedBatchNormKey, Value = options.FoldBatchNorm ? "true" : "false" });
        foreach (var (key, value) in OnnxMetadata.Input()) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Exports and writes the model to <paramref name="path"/> atomically.</summary>
    public static void Save(ModelWeights weights, string path, OnnxExportOptions? options = null) =>
        OnnxFile.Write(Export(weights, options), path);

    /// <summary>A float tensor value of shape [N, dims...] with the symbolic batch dimension.</summary>
    private static ValueInfoProto TensorValue(string name, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>Walks the spec's layers in order, appending their nodes; each layer reads the previous layer's output value.</summary>
    private sealed class LayerEmitter(ModelWeights weights, OnnxExportOptions options)
    {
        private readonly OnnxGraphWriter _w = new();

        public GraphProto Emit()
        {
            var layers = weights.Spec.Layers;
            string x = InputName;
            for (int i = 0; i < layers.Count; i++)
            {
                switch (layers[i])
                {
                    case ConvSpec c:
                        var bn = options.FoldBatchNorm && i + 1 < layers.Count && layers[i + 1] is BatchNormSpec next && next.Channels == c.OutChannels ? next : null;
                        x = Conv(x, c, c.Name, bn);
                        if (bn is not null) i++;
                        break;
                    case BatchNormSpec b:
                        x = BatchNorm(x, b);
                        break;
                    case ReluSpec r:
                        x = _w.Node("Relu", r.Name, [x]);
                        break;
                    case MaxPoolSpec p:
                        x = _w.Node("MaxPool", p.Name, [x], Window(p.Kernel), Strides(p.Stride), Pads(p.Padding));
                        break;
                    case AvgPoolSpec p:
                        x = _w.Node("AveragePool", p.Name, [x], Window(p.Kernel), Strides(p.Stride), Pads(p.Padding), Int("count_include_pad", 1));
                        break;
                    case GlobalAvgPoolSpec g:
                        x = _w.Node("GlobalAveragePool", g.Name, [x]);
                        x = _w.Node("Flatten", $"{g.Name}.flatten", [x], Int("axis", 1));
                        break;
                    case FlattenSpec f:
                        x = _w.Node("Flatten", f.Name, [x], Int("axis", 1));
                        break;
                    case LinearSpec l:
                        x = Linear(x, l);
                        break;
                    case BasicBlockSpec block:
                        x = Block(x, block);
                        break;
                    default:
                        throw new NotSupportedException($"layer '{layers[i].Name}': the ONNX exporter does not know layers of type {layers[i].GetType().Name}");
                }
            }
            _w.NameLastOutput(OutputName);
            return _w.Graph;
        }

        private string Conv(string x, ConvSpec c, string nodeName, BatchNormSpec? foldedBn)
        {
            int[] shape = [c.OutChannels, c.InChannels, c.Kernel, c.Kernel];
            float[] weight = weights[$"{c.Name}.weight"];
            float[]? bias = c.Bias ? weights[$"{c.Name}.bias"] : null;
            if (foldedBn is { } bn)
                (weight, bias) = BatchNormFolding.Fold(weight, bias, weights[$"{bn.Name}.weight"], weights[$"{bn.Name}.bias"],
                    weights[$"{bn.Name}.running_mean"], weights[$"{bn.Name}.running_var"], BatchNorm2d.DefaultEps);
            var inputs = new List<string> { x, _w.Initializer($"{c.Name}.weight", shape, weight) };
            if (bias is not null) inputs.Add(_w.Initializer($"{c.Name}.bias", [c.OutChannels], bias));
            return _w.Node("Conv", nodeName, inputs, Window(c.Kernel), Strides(c.Stride), Pads(c.Padding), Ints("dilations", 1, 1), Int("group", 1));
        }

        private string BatchNorm(string x, BatchNormSpec b)
        {
            string[] inputs = ["weight", "bias", "running_mean", "running_var"];
            return _w.Node("BatchNormalization", b.Name,
                [x, .. inputs.Select(s => _w.Initializer($"{b.Name}.{s}", [b.Channels], weights[$"{b.Name}.{s}"]))],
                Float("epsilon", BatchNorm2d.DefaultEps), Float("momentum", 1 - BatchNorm2d.DefaultMomentum));
        }

        private string Linear(string x, LinearSpec l)
        {
            var inputs = new List<string> { x, _w.Initializer($"{l.Name}.weight", [l.OutFeatures, l.InFeatures], weights[$"{l.Name}.weight"]) };
            if (l.Bias) inputs.Add(_w.Initializer($"{l.Name}.bias", [l.OutFeatures], weights[$"{l.Name}.bias"]));
            return _w.Node("Gemm", l.Name, inputs, Float("alpha", 1f), Float("beta", 1f), Int("transB", 1));
        }

        /// <summary>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), with or without folded batch norms.</summary>
        private string Block(string x, BasicBlockSpec b)
        {
            string ConvBn(string input, ConvSpec conv, BatchNormSpec bn) => options.FoldBatchNorm
                ? Conv(input, conv, conv.Name, bn)
                : BatchNorm(Conv(input, conv, conv.Name, null), bn);

            string y = ConvBn(x, b.Conv1, b.Bn1);
            y = _w.Node("Relu", $"{b.Name}.relu1", [y]);
            y = ConvBn(y, b.Conv2, b.Bn2);
            string skip = b.ShortcutConv is { } sc ? ConvBn(x, sc, b.ShortcutBn!) : x;
            string sum = _w.Node("Add", $"{b.Name}.add", [y, skip]);
            return _w.Node("Relu", $"{b.Name}.relu", [sum]);
        }

        private static AttributeProto Window(int k) => Ints("kernel_shape", k, k);
        private static AttributeProto Strides(int s) => Ints("strides", s, s);
        private static AttributeProto Pads(int p) => Ints("pads", p, p, p, p);
    }
}
