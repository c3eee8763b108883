using CudaPrune.Core.Models;
using CudaPrune.Interop.Onnx.Proto;

namespace CudaPrune.Interop.Import;

/// <summary>
/// Evaluates the integer vectors that feed a Reshape's shape input: constants, or the arithmetic
/// torch.onnx writes for <c>x.view(x.size(0), -1)</c> (Shape → Gather → Unsqueeze → Concat). The batch
/// size is not known: it evaluates to null.
/// </summary>
internal sealed class OnnxShapeArithmetic(OnnxGraphIndex index, Func<string, FeatureShape?> activationShape)
{
    private readonly Dictionary<string, NodeProto> _producers = index.Graph.Node
        .SelectMany(n => n.Output.Where(o => o.Length > 0).Select(o => (Output: o, Node: n)))
        .ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);

    /// <summary>The values of <paramref name="value"/>; null entries are the batch size. Throws naming <paramref name="user"/> when it cannot tell.</summary>
    public long?[] Evaluate(string value, NodeProto user)
    {
        if (index.IsConstant(value)) return OnnxTensors.ReadInts(index.Constant(value, user, "shape")).Select(v => (long?)v).ToArray();
        if (!_producers.TryGetValue(value, out var node))
            throw Unknown(user, $"'{value}' is a graph input");
        index.MarkUsed(node);
        switch (node.OpType)
        {
            case "Shape":
                var shape = activationShape(node.Input[0]) ?? throw Unknown(user, $"the shape of '{node.Input[0]}' is not known here");
                var dims = new long?[] { null }.Concat(shape.WithBatch(1).Skip(1).Select(d => (long?)d)).ToArray();
                return Slice(dims, OnnxAttributes.GetInt(node, "start", 0), OnnxAttributes.GetInt(node, "end", dims.Length));
            case "Gather":
                if (OnnxAttributes.GetInt(node, "axis", 0) != 0) throw Unknown(user, $"Gather node '{index.Label(node)}' gathers along axis {OnnxAttributes.GetInt(node, "axis", 0)}");
                var data = Evaluate(node.Input[0], user);
                return Evaluate(node.Input[1], user).Select(i => i is long k && k >= -data.Length && k < data.Length
                    ? data[k < 0 ? k + data.Length : k]
                    : throw Unknown(user, $"Gather node '{index.Label(node)}' has index {i} for {data.Length} values")).ToArray();
            case "Unsqueeze":
            case "Concat":
                if (node.OpType == "Concat" && OnnxAttributes.GetInt(node, "axis", 0) != 0)
                    throw Unknown(user, $"Concat node '{index.Label(node)}' joins along axis {OnnxAttributes.GetInt(node, "axis", 0)}");
                // A scalar or vector made into a vector (Unsqueeze's axes input, from opset 13, is not data), or vectors joined.
                var parts = node.OpType == "Unsqueeze" ? node.Input.Take(1) : node.Input;
                return parts.SelectMany(p => Evaluate(p, user)).ToArray();
            default:
                throw Unknown(user, $"it is computed by {node.OpType} node '{index.Label(node)}'");
        }
    }

    private static long?[] Slice(long?[] dims, long start, long end)
    {
        int Clamp(long i) => (int)Math.Clamp(i < 0 ? i + dims.Length : i, 0, dims.Length);
        int s = Clamp(start), e = Clamp(end);
        return e > s ? dims[s..e] : [];
    }

    private OnnxImportException Unknown(NodeProto user, string why) =>
        new($"node '{index.Label(user)}' ({user.OpType}): cannot work out its target shape: {why}", index.Label(user));
}
