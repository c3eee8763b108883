using CudaPrune.Core.Models;
using CudaPrune.Interop.Onnx.Proto;

namespace CudaPrune.Interop.Import;

/// <summary>
/// Turns an ONNX CNN into our spec and tensors by walking its graph from the input: each node (or
/// Conv…Add residual diamond) becomes one of our layers, in order. Supported: Conv, BatchNormalization,
/// Relu, MaxPool, AveragePool, GlobalAveragePool (+ Flatten), Flatten, Reshape to [N,-1], Gemm,
/// MatMul (+ Add of a bias), residual blocks; Identity, inference Dropout and zero Pads pass through.
/// </summary>
/// <remarks>
/// All-or-nothing: unsupported operators are all listed (<see cref="UnsupportedOnnxOpsException"/>)
/// before anything is read, and a graph that does not map says at which node (<see cref="OnnxImportException"/>).
/// Layer names come from the file when it has usable ones (our own exports, PyTorch state-dict names or
/// scope paths), so an exported model comes back with the same spec and state-dict names.
/// </remarks>
public static class OnnxImporter
{
    /// <summary>Reads and imports <paramref name="path"/>; <paramref name="modelName"/> overrides the graph's name.</summary>
    public static OnnxImportResult Import(string path, string? modelName = null) => Import(OnnxFile.Read(path), modelName);

    public static OnnxImportResult Import(ModelProto model, string? modelName = null)
    {
        var graph = model.Graph ?? throw new OnnxImportException("the model has no graph");
        var unsupported = graph.Node.Select((n, i) => (Node: n, Label: n.Name.Length > 0 ? n.Name : $"#{i}"))
            .Where(p => !OnnxOps.IsSupported(p.Node.OpType, p.Node.Domain))
            .Select(p => new UnsupportedNode(p.Node.OpType, OnnxOps.IsDefaultDomain(p.Node.Domain) ? "" : p.Node.Domain, p.Label)).ToList();
        if (unsupported.Count > 0) throw new UnsupportedOnnxOpsException(unsupported);

        var walk = new GraphWalk(graph);
        var layers = walk.Run();
        string name = modelName ?? (graph.Name.Length > 0 ? graph.Name : "imported");
        return new OnnxImportResult(Name(name, walk.Input, layers), walk.Notes);
    }

    /// <summary>Gives each layer its name from the file, or a made-up one ("conv1", "relu2") where that is missing, taken or inconsistent.</summary>
    private static ModelWeights Name(string modelName, FeatureShape input, IReadOnlyList<ImportedLayer> layers)
    {
        var fromFile = layers.Select(l => l.NameFromFile).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < fromFile.Count; i++)
            if (fromFile[i] is { } n && !seen.Add(n)) fromFile[i] = null;
        var preferred = Assemble(modelName, input, layers, MadeUp(fromFile, layers));
        try
        {
            preferred.Validate();
            return preferred;
        }
        catch (Exception e) when (e is ModelSpecException or ArgumentException)
        {
            // The file's names break our container rules (a module that is also a layer, a Sequential split in two): use ours.
            var fallback = Assemble(modelName, input, layers, MadeUp(layers.Select(_ => (string?)null).ToList(), layers));
            fallback.Validate();
            return fallback;
        }
    }

    private static List<string> MadeUp(List<string?> fromFile, IReadOnlyList<ImportedLayer> layers)
    {
        var taken = fromFile.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (fromFile[i] is { } n) { names.Add(n); continue; }
            string kind = layers[i].Kind, candidate;
            do candidate = $"{kind}{counters[kind] = counters.GetValueOrDefault(kind) + 1}";
            while (!taken.Add(candidate));
            names.Add(candidate);
        }
        return names;
    }

    private static ModelWeights Assemble(string modelName, FeatureShape input, IReadOnlyList<ImportedLayer> layers, List<string> names)
    {
        var specs = layers.Select((l, i) => l.Spec with { Name = names[i] }).ToList();
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
            foreach (var (suffix, values) in layers[i].Tensors) tensors[$"{names[i]}.{suffix}"] = values;
        var output = specs.Aggregate(input, (shape, layer) => layer.OutputShape(shape)); // the walk checked every step
        return new ModelWeights(new ModelSpec(modelName, input.Channels, input.Height, input.Width, output.Channels, specs), tensors);
    }

    /// <summary>One pass from the graph input to its output, matching layers as it goes and tracking the activation shape.</summary>
    private sealed class GraphWalk
    {
        private readonly GraphProto _graph;
        private readonly OnnxGraphIndex _index;
        private readonly OnnxLayerReader _reader;
        private readonly ResidualBlockMatcher _blocks;
        private readonly OnnxShapeArithmetic _shapes;
        private readonly Dictionary<string, FeatureShape> _valueShapes = new(StringComparer.Ordinal);
        private readonly List<ImportedLayer> _layers = [];
        private readonly string _inputName, _outputName;
        private FeatureShape _shape;

        public GraphWalk(GraphProto graph)
        {
            _graph = graph;
            _index = new OnnxGraphIndex(graph);
            _reader = new OnnxLayerReader(_index, Notes);
            _blocks = new ResidualBlockMatcher(_index, _reader);
            _shapes = new OnnxShapeArithmetic(_index, v => _valueShapes.TryGetValue(v, out var s) ? s : null);
            (_inputName, Input) = ReadInput();
            _outputName = graph.Output.Count == 1 ? graph.Output[0].Name
                : throw new OnnxImportException($"the graph has {graph.Output.Count} outputs ({string.Join(", ", graph.Output.Select(o => o.Name))}); a classifier has one, the logits");
            _shape = Input;
        }

        public FeatureShape Input { get; }

        public List<string> Notes { get; } = [];

        public List<ImportedLayer> Run()
        {
            string x = _inputName;
            _valueShapes[x] = _shape;
            while (true)
            {
                var next = _index.LayerConsumers(x);
                if (next.Count == 0)
                {
                    if (_index.ReachesOutput(x, _outputName)) break;
                    throw new OnnxImportException($"value '{x}' is used by no layer and is not the graph output '{_outputName}'");
                }
                if (next.Count == 1) x = Layer(next[0]);
                else if (next.Count == 2)
                {
                    var (layer, output, last) = _blocks.Match(x, next);
                    x = Add(layer, last, output);
                }
                else throw new OnnxImportException($"value '{x}' feeds {next.Count} nodes ({string.Join(", ", next.Select(n => $"{n.OpType} '{_index.Label(n)}'"))}): only the two branches of a residual block may share an input", _index.Label(next[0]));
            }
            if (_layers.Count == 0) throw new OnnxImportException("the graph maps to no layer");
            if (!_shape.IsFlat) throw new OnnxImportException($"the graph output '{_outputName}' is a feature map {_shape}, not flat logits: add Flatten and a classifier");
            var stray = _index.Unused().Where(n => n.OpType is not ("Shape" or "Gather" or "Unsqueeze" or "Concat")).ToList();
            if (stray.Count > 0)
                throw new OnnxImportException($"nodes off the path from '{_inputName}' to '{_outputName}': {string.Join(", ", stray.Take(10).Select(n => $"{n.OpType} '{_index.Label(n)}'"))}: only a single chain of layers (with residual blocks) maps to our models", _index.Label(stray[0]));
            return _layers;
        }

        /// <summary>Matches the layer at <paramref name="node"/> (reading ahead for GlobalAveragePool + Flatten and MatMul + Add) and returns its output value.</summary>
        private string Layer(NodeProto node)
        {
            string? fromNode = OnnxNames.FromNode(node.Name);
            switch (node.OpType)
            {
                case "Conv":
                    var conv = _reader.Conv(node);
                    var convTensors = new Dictionary<string, float[]> { ["weight"] = conv.Weight };
                    if (conv.Bias is not null) convTensors["bias"] = conv.Bias;
                    return Add(new(conv.Spec, OnnxNames.FromParameter(conv.WeightName, "weight") ?? fromNode, "conv", convTensors), node);
                case "BatchNormalization":
                    var bn = _reader.BatchNorm(node);
                    return Add(new(new BatchNormSpec(_index.Label(node), bn.Channels), bn.ScaleName is { } s ? OnnxNames.FromParameter(s, "weight") ?? fromNode : fromNode, "bn", bn.Tensors("")), node);
                case "Relu":
                    return Add(new(new ReluSpec(_index.Label(node)), fromNode, "relu", Empty), node);
                case "MaxPool":
                case "AveragePool":
                    var pool = _reader.Pool(node);
                    return Add(new(pool, fromNode, pool is MaxPoolSpec ? "maxpool" : "avgpool", Empty), node);
                case "GlobalAveragePool":
                    var flatten = _index.LayerConsumers(node.Output[0]);
                    if (flatten.Count != 1 || !IsFlatten(flatten[0], FeatureShape.Map(_shape.Channels, 1, 1)))
                        throw _reader.Error(node, "our global pooling outputs [N,C]: it must be followed by Flatten (or a Reshape to [N,-1]) alone");
                    _index.MarkUsed(node);
                    return Add(new(new GlobalAvgPoolSpec(_index.Label(node)), fromNode, "avgpool", Empty), flatten[0]);
                case "Flatten":
                case "Reshape":
                    if (!IsFlatten(node, _shape))
                        throw _reader.Error(node, $"it does not flatten its input {_shape} to [N,{_shape.Count}]: only flattening reshapes are supported");
                    return Add(new(new FlattenSpec(_index.Label(node)), fromNode, "flatten", Empty), node);
                case "Gemm":
                    var (gemm, gw, gb, gName) = _reader.Gemm(node);
                    return Add(new(gemm, OnnxNames.FromParameter(gName, "weight") ?? fromNode, "fc", Linear(gw, gb)), node);
                case "MatMul":
                    var after = _index.LayerConsumers(node.Output[0]);
                    var biasAdd = after.Count == 1 && after[0].OpType == "Add" && after[0].Input.Count(_index.IsConstant) == 1 ? after[0] : null;
                    var (mm, mw, mb, mName) = _reader.MatMul(node, biasAdd);
                    if (biasAdd is not null) _index.MarkUsed(node);
                    return Add(new(mm, OnnxNames.FromParameter(mName, "weight") ?? fromNode, "fc", Linear(mw, mb)), biasAdd ?? node);
                case "Add":
                    throw _reader.Error(node, "an Add that is not the end of a residual block (or the bias of a MatMul) does not map to our layers");
                default:
                    throw _reader.Error(node, $"{node.OpType} may only compute shapes for a Reshape, not data");
            }
        }

        /// <summary>Appends a layer whose last node is <paramref name="last"/>, checks its shape, and returns the value after it.</summary>
        private string Add(ImportedLayer layer, NodeProto last, string? output = null)
        {
            try
            {
                _shape = layer.Spec.OutputShape(_shape);
            }
            catch (ModelSpecException e)
            {
                throw new OnnxImportException($"node '{_index.Label(last)}' ({last.OpType}): {e.Message}", _index.Label(last));
            }
            _index.MarkUsed(last);
            _layers.Add(layer);
            output ??= last.Output[0];
            _valueShapes[output] = _shape;
            return output;
        }

        /// <summary>Flatten(axis=1), or a Reshape of an input of <paramref name="shape"/> to [batch, -1] or [batch, C·H·W].</summary>
        private bool IsFlatten(NodeProto node, FeatureShape shape)
        {
            if (node.OpType == "Flatten") return OnnxAttributes.GetInt(node, "axis", 1) == 1;
            if (node.OpType != "Reshape") return false;
            _valueShapes[node.Input[0]] = shape; // the Shape node that may compute the target reads the Reshape's own input
            var target = _shapes.Evaluate(node.Input[1], node);
            if (target.Length != 2) return false;
            bool restIsAll = target[1] == -1 || target[1] == shape.Count;
            // The first entry is the batch: symbolic, 0 (copy), -1 when the rest is explicit, or a fixed size from a trace.
            bool firstIsBatch = target[0] is null or 0 or > 0 || (target[0] == -1 && target[1] == shape.Count);
            return restIsAll && firstIsBatch;
        }

        private (string Name, FeatureShape Shape) ReadInput()
        {
            var initializers = _graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = _graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
            if (inputs.Count != 1)
                throw new OnnxImportException($"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); a CNN classifier has one, the image batch");
            var input = inputs[0];
            var tensor = input.Type?.TensorType;
            if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
                throw new OnnxImportException($"graph input '{input.Name}' is not a float32 tensor");
            var dims = tensor.Shape?.Dim;
            if (dims is null || dims.Count != 4 || dims.Skip(1).Any(d => !d.HasDimValue || d.DimValue <= 0))
                throw new OnnxImportException($"graph input '{input.Name}' must be [N,C,H,W] with fixed C, H, W; got [{(dims is null ? "unknown" : string.Join(",", dims.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.DimParam.Length > 0 ? d.DimParam : "?")))}]");
            return (input.Name, FeatureShape.Map((int)dims[1].DimValue, (int)dims[2].DimValue, (int)dims[3].DimValue));
        }

        private static Dictionary<string, float[]> Linear(float[] weight, float[]? bias)
        {
            var t = new Dictionary<string, float[]> { ["weight"] = weight };
            if (bias is not null) t["bias"] = bias;
            return t;
        }

        private static readonly Dictionary<string, float[]> Empty = [];
    }
}
