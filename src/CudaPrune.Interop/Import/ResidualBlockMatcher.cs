using CudaPrune.Core.Models;
using CudaPrune.Interop.Onnx.Proto;

namespace CudaPrune.Interop.Import;

/// <summary>
/// Matches a residual block where an activation feeds two branches that meet again in an Add:
/// the main branch Conv 3x3 (stride) → [BatchNormalization] → Relu → Conv 3x3 → [BatchNormalization],
/// the other nothing (identity) or Conv 1x1 (stride) → [BatchNormalization] (projection), then
/// Relu(Add). A batch norm missing because it was folded into its conv is put back as one that adds
/// the conv's bias; a conv bias before a batch norm moves into that batch norm's mean.
/// </summary>
internal sealed class ResidualBlockMatcher(OnnxGraphIndex index, OnnxLayerReader reader)
{
    private const int LongestBranch = 6; // conv, bn, relu, conv, bn, then the Add

    /// <summary>The block starting at the two consumers of value <paramref name="x"/>, and the value after its final Relu.</summary>
    public (ImportedLayer Layer, string Output, NodeProto Last) Match(string x, IReadOnlyList<NodeProto> branchStarts)
    {
        var a = Branch(x, branchStarts[0]);
        var b = Branch(x, branchStarts[1]);
        var add = a[^1];
        if (!ReferenceEquals(add, b[^1]))
            throw new OnnxImportException($"the branches from '{x}' end in two different Add nodes ('{index.Label(a[^1])}' and '{index.Label(b[^1])}'): not a residual block", index.Label(add));
        bool aIsMain = a.Any(n => n.OpType == "Relu");
        var main = (aIsMain ? a : b)[..^1];
        var skip = (aIsMain ? b : a)[..^1];
        string where = $"residual block joined at Add '{index.Label(add)}'";

        string Ops(NodeProto[] nodes) => nodes.Length == 0 ? "nothing" : string.Join(" → ", nodes.Select(n => n.OpType));
        var (conv1, bn1, rest) = ConvBn(main, where, "main branch", Ops(main));
        if (rest.Length == 0 || rest[0].OpType != "Relu")
            throw new OnnxImportException($"{where}: the main branch is {Ops(main)}; our BasicBlock needs Conv → BatchNormalization → Relu → Conv → BatchNormalization", index.Label(add));
        var (conv2, bn2, left) = ConvBn(rest[1..], where, "main branch", Ops(main));
        if (left.Length != 0) throw new OnnxImportException($"{where}: the main branch is {Ops(main)}; our BasicBlock needs Conv → BatchNormalization → Relu → Conv → BatchNormalization", index.Label(add));
        ConvPart? shortcut = null;
        BatchNormPart? shortcutBn = null;
        if (skip.Length > 0)
        {
            (shortcut, shortcutBn, left) = ConvBn(skip, where, "shortcut", Ops(skip));
            if (left.Length != 0) throw new OnnxImportException($"{where}: the shortcut is {Ops(skip)}; our BasicBlock needs nothing (identity) or Conv 1x1 → BatchNormalization", index.Label(add));
        }

        var after = index.LayerConsumers(add.Output[0]);
        if (after.Count != 1 || after[0].OpType != "Relu")
            throw new OnnxImportException($"{where}: the sum goes to {(after.Count == 0 ? "no node" : string.Join(", ", after.Select(n => $"{n.OpType} '{index.Label(n)}'")))}; our BasicBlock ends with Relu(sum) alone", index.Label(add));
        var relu = after[0];
        foreach (var n in main.Concat(skip).Append(add).Append(relu)) index.MarkUsed(n);

        var c1 = conv1.Spec;
        RequireGeometry(where, "conv1", c1, 3, c1.Stride, 1);
        RequireGeometry(where, "conv2", conv2.Spec, 3, 1, 1);
        if (shortcut is not null) RequireGeometry(where, "the shortcut conv", shortcut.Spec, 1, c1.Stride, 0);
        var spec = new BasicBlockSpec(index.Label(add), c1.InChannels, c1.OutChannels, conv2.Spec.OutChannels, c1.Stride,
            shortcut is null ? ShortcutKind.Identity : ShortcutKind.Projection);

        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal) { ["conv1.weight"] = conv1.Weight, ["conv2.weight"] = conv2.Weight };
        foreach (var kv in bn1.Tensors("bn1.").Concat(bn2.Tensors("bn2."))) tensors.Add(kv.Key, kv.Value);
        if (shortcut is not null)
        {
            tensors["shortcut.0.weight"] = shortcut.Weight;
            foreach (var kv in shortcutBn!.Tensors("shortcut.1.")) tensors.Add(kv.Key, kv.Value);
        }
        string? name = OnnxNames.FromParameter(conv1.WeightName, "conv1.weight") ?? OnnxNames.FromNode(add.Name);
        return (new ImportedLayer(spec, name, "block", tensors), relu.Output[0], relu);
    }

    /// <summary>The nodes from <paramref name="start"/> along single consumers up to and including the Add that ends the branch.</summary>
    private NodeProto[] Branch(string x, NodeProto start)
    {
        var nodes = new List<NodeProto> { start };
        while (nodes[^1].OpType != "Add")
        {
            var next = index.LayerConsumers(nodes[^1].Output[0]);
            if (next.Count != 1 || nodes.Count > LongestBranch)
                throw new OnnxImportException($"value '{x}' feeds two branches, but the one through '{index.Label(start)}' ({string.Join(" → ", nodes.Select(n => n.OpType))}) does not end in an Add: only residual blocks may branch", index.Label(start));
            nodes.Add(next[0]);
        }
        return [.. nodes];
    }

    /// <summary>Conv then an optional BatchNormalization at the start of <paramref name="nodes"/>, and what follows them.</summary>
    private (ConvPart Conv, BatchNormPart Bn, NodeProto[] Remaining) ConvBn(NodeProto[] nodes, string where, string branch, string ops)
    {
        if (nodes.Length == 0 || nodes[0].OpType != "Conv")
            throw new OnnxImportException($"{where}: the {branch} is {ops}; expected it to start with Conv", nodes.Length > 0 ? index.Label(nodes[0]) : null);
        var conv = reader.Conv(nodes[0]);
        if (nodes.Length > 1 && nodes[1].OpType == "BatchNormalization")
            return (conv, OnnxLayerReader.AbsorbBias(reader.BatchNorm(nodes[1]), conv.Bias), nodes[2..]);
        return (conv, OnnxLayerReader.Neutral(conv), nodes[1..]);
    }

    private static void RequireGeometry(string where, string part, ConvSpec conv, int kernel, int stride, int padding)
    {
        if (conv.Kernel != kernel || conv.Stride != stride || conv.Padding != padding)
            throw new OnnxImportException($"{where}: {part} is {conv.Kernel}x{conv.Kernel} stride {conv.Stride} pad {conv.Padding}; our BasicBlock needs {kernel}x{kernel} stride {stride} pad {padding}", conv.Name);
    }
}
