namespace CudaPrune.Interop;

/// <summary>
/// A well-formed ONNX model that does not map onto our layer set; the message says where
/// (<see cref="NodeName"/>: the node it stopped at, when there is one).
/// </summary>
public class OnnxImportException(string message, string? nodeName = null) : Exception(message)
{
    public string? NodeName { get; } = nodeName;
}

/// <summary>One node whose operator the importer does not know; <c>NodeName</c> is "#i" (its position in the graph) for a node without a name.</summary>
public sealed record UnsupportedNode(string OpType, string Domain, string NodeName)
{
    public override string ToString() => $"{(Domain.Length > 0 ? Domain + "." : "")}{OpType} (node '{NodeName}')";
}

/// <summary>The model uses operators outside the supported set: all of them are listed, nothing is imported.</summary>
public sealed class UnsupportedOnnxOpsException(IReadOnlyList<UnsupportedNode> nodes)
    : OnnxImportException(Describe(nodes), nodes[0].NodeName)
{
    public IReadOnlyList<UnsupportedNode> Nodes { get; } = nodes;

    private static string Describe(IReadOnlyList<UnsupportedNode> nodes)
    {
        var ops = nodes.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal);
        return $"unsupported ONNX operators: {string.Join(", ", ops)}; nodes: {string.Join(", ", nodes.Take(20))}"
            + (nodes.Count > 20 ? $" ... and {nodes.Count - 20} more" : "")
            + $". Supported: {string.Join(", ", OnnxOps.Supported)}";
    }
}
