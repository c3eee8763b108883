namespace CudaPrune.Interop;

/// <summary>The ONNX operators the exporter writes and the importer reads (default domain "ai.onnx").</summary>
public static class OnnxOps
{
    /// <summary>Operators that become layers.</summary>
    public static IReadOnlyList<string> Layers { get; } =
        ["Conv", "BatchNormalization", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Add", "Flatten", "Gemm", "MatMul", "Reshape"];

    /// <summary>
    /// Operators the importer accepts around the layers: pass-throughs (Identity, Dropout in inference,
    /// a Pad of zeros) and the shape arithmetic that torch.onnx writes for <c>x.view(x.size(0), -1)</c>.
    /// </summary>
    public static IReadOnlyList<string> Helpers { get; } = ["Identity", "Dropout", "Pad", "Constant", "Shape", "Gather", "Unsqueeze", "Concat"];

    public static IReadOnlyList<string> Supported { get; } = [.. Layers, .. Helpers];

    /// <summary>True for the standard operator domain ("" and "ai.onnx" are the same).</summary>
    public static bool IsDefaultDomain(string domain) => domain is "" or "ai.onnx";

    public static bool IsSupported(string opType, string domain) => IsDefaultDomain(domain) && Supported.Contains(opType);
}
