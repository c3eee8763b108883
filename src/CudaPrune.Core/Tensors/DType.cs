namespace CudaPrune.Core.Tensors;

/// <summary>Element types a tensor can hold: float32 for everything numeric, int32 for labels and indices, uint8 for raw pixels.</summary>
public enum DType
{
    Float32,
    Int32,
    UInt8,
}

public static class DTypeExtensions
{
    public static int SizeInBytes(this DType t) => t switch
    {
        DType.Float32 => 4,
        DType.Int32 => 4,
        DType.UInt8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}
