namespace CudaPrune.Interop;

/// <summary>A file that is not a readable ONNX model: not protobuf, truncated, or missing the parts every model has.</summary>
public sealed class OnnxFormatException(string path, string message, Exception? inner = null)
    : Exception($"{path}: {message}", inner)
{
    public string Path { get; } = path;
}
