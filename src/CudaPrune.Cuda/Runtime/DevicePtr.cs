namespace CudaPrune.Cuda.Runtime;

/// <summary>A device address (CUdeviceptr; a host address under the emulator).</summary>
public readonly record struct DevicePtr(ulong Value)
{
    public static readonly DevicePtr Null = new(0);
    public bool IsNull => Value == 0;

    /// <summary>The address <paramref name="bytes"/> further on.</summary>
    public DevicePtr Offset(long bytes) => new(Value + (ulong)bytes);

    public override string ToString() => $"0x{Value:x}";
}
