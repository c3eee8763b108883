namespace CudaPrune.Core.Checkpoints;

/// <summary>One tensor's entry in a safetensors header: dtype name ("F32"), shape, and byte range [Begin, End) of the data section.</summary>
public sealed record SafeTensorInfo(string Name, string DType, int[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    /// <summary>Bytes per element of the dtypes the format defines; null for an unknown name.</summary>
    public static int? ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => null,
    };
}
