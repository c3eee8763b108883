using System.Globalization;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Pruning.Reporting;

/// <summary>
/// Memory before and after compaction: the bytes of the model's state (parameters and buffers), and on a
/// CUDA backend the bytes its allocator holds (everything live on the device, not only this model).
/// </summary>
public sealed record MemoryReport(long StateBytesBefore, long StateBytesAfter, long? DeviceBytesBefore, long? DeviceBytesAfter)
{
    /// <summary>Bytes of every parameter and buffer of <paramref name="model"/>.</summary>
    public static long StateBytes(Model model) => model.StateDict().Values.Sum(t => t.Count * t.DType.SizeInBytes());

    /// <summary>Bytes in use in the backend's device allocator, or null when the backend cannot tell (the CPU).</summary>
    public static long? DeviceBytes(Model model) => model.Backend is CudaBackend cuda ? cuda.Allocator.CurrentBytes : null;

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"model state {Mib(StateBytesBefore)} → {Mib(StateBytesAfter)}");
        if (DeviceBytesBefore is long b && DeviceBytesAfter is long a)
            text += string.Create(CultureInfo.InvariantCulture, $"; device memory in use {Mib(b)} → {Mib(a)}");
        return text;
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F2} MiB");
}
