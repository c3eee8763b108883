using CudaPrune.Interop.Onnx.Proto;
using AttributeType = CudaPrune.Interop.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace CudaPrune.Interop;

/// <summary>Builds node attributes, and reads them with their ONNX defaults.</summary>
public static class OnnxAttributes
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long GetInt(NodeProto node, string name, long defaultValue) => Find(node, name) is { } a ? a.I : defaultValue;

    public static float GetFloat(NodeProto node, string name, float defaultValue) => Find(node, name) is { } a ? a.F : defaultValue;

    public static long[]? GetInts(NodeProto node, string name) => Find(node, name)?.Ints.ToArray();

    public static string GetString(NodeProto node, string name, string defaultValue) =>
        Find(node, name) is { } a ? a.S.ToStringUtf8() : defaultValue;
}
