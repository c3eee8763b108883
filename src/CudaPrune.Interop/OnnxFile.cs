using CudaPrune.Core.IO;
using CudaPrune.Interop.Onnx.Proto;
using Google.Protobuf;

namespace CudaPrune.Interop;

/// <summary>Reads and writes .onnx files (one serialized ModelProto, all tensors inside the file).</summary>
public static class OnnxFile
{
    /// <summary>
    /// Parses <paramref name="path"/>; throws <see cref="FileNotFoundException"/> when it is missing and
    /// <see cref="OnnxFormatException"/> when it is not an ONNX model (corrupt, truncated, or without a graph or opset).
    /// </summary>
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file not found: {path}", path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new OnnxFormatException(path, "the file is empty");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(path, $"not a valid ONNX model: the protobuf does not parse ({e.Message}); the file is corrupt or truncated", e);
        }
        // Protobuf keeps fields it does not know, so random bytes can parse into an empty message: check what every model has.
        if (model.Graph is null) throw new OnnxFormatException(path, "not an ONNX model: it has no graph (corrupt, truncated, or another kind of protobuf file)");
        if (!model.HasIrVersion) throw new OnnxFormatException(path, "not an ONNX model: it has no ir_version");
        if (!model.OpsetImport.Any(o => OnnxOps.IsDefaultDomain(o.Domain)))
            throw new OnnxFormatException(path, "the model imports no opset of the standard domain ai.onnx (corrupt or truncated?)");
        return model;
    }

    /// <summary>Writes <paramref name="model"/> atomically: a temporary file in the same folder, then a rename.</summary>
    public static void Write(ModelProto model, string path) => AtomicFile.Write(path, tmp =>
    {
        using var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        model.WriteTo(stream);
        stream.Flush(flushToDisk: true);
    });
}
