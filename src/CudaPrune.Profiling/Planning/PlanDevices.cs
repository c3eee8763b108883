using CudaPrune.Core.Backends.Cuda.Planning;
using CudaPrune.Cuda.Driver;

namespace CudaPrune.Profiling.Planning;

/// <summary>
/// The devices a launch plan can be made for by name: the presets of <see cref="ConvPlanDevice"/> (no GPU
/// needed), or <see cref="Live"/>, this machine's first CUDA device.
/// </summary>
public static class PlanDevices
{
    /// <summary>The name that asks for the live device rather than a preset.</summary>
    public const string Live = "device";

    /// <summary>Every name <see cref="Named"/> accepts: the presets, then <see cref="Live"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ConvPlanDevice.Presets.Keys, Live];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive), or the live device for <see cref="Live"/>; the error lists the names.</summary>
    public static ConvPlanDevice Named(string name)
    {
        if (string.Equals(name, Live, StringComparison.OrdinalIgnoreCase)) return FirstCudaDevice();
        return ConvPlanDevice.Presets.TryGetValue(name, out var preset) ? preset
            : throw new ArgumentException($"unknown GPU '{name}'; presets: {string.Join(", ", ConvPlanDevice.Presets.Keys)} (or '{Live}' for this machine's first CUDA device)");
    }

    // Opening a context is the only way the driver hands out the properties; it is closed at once.
    private static ConvPlanDevice FirstCudaDevice()
    {
        if (!CudaDevice.TryOpen(0, out var device, out string reason))
            throw new InvalidOperationException($"no CUDA device to plan for ({reason}); plan for a preset instead: {string.Join(", ", ConvPlanDevice.Presets.Keys)}");
        using (device) return ConvPlanDevice.Of(device.Properties, emulated: false);
    }
}
