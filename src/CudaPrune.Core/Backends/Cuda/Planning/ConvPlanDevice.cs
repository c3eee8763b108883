using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda.Planning;

/// <summary>
/// What the launch planner knows of a GPU: its SM count and the constants of its cost model
/// (<see cref="ConvLaunchPlanner"/>). From a live device's properties, or a named preset to plan without a GPU.
/// </summary>
/// <param name="Name">"h100", "h200", the device's name, or "emulated".</param>
/// <param name="Multiprocessors">SMs: a full wave needs at least one block on each.</param>
/// <param name="MacsPerSmPerNs">FP32 multiply-adds one SM retires per nanosecond (FP32 lanes × clock in GHz).</param>
/// <param name="StepLatencyNs">
/// Time of one k step of a block that waits on its global loads (latency-bound: few blocks per SM, batch 1).
/// An estimate (~600 cycles of a global-memory round trip); to be fitted to measurements.
/// </param>
/// <param name="ExtraLaunchNs">What one more kernel launch costs on the stream (the split-K reduction); an estimate.</param>
public sealed record ConvPlanDevice(string Name, int Multiprocessors, double MacsPerSmPerNs, double StepLatencyNs, double ExtraLaunchNs)
{
    // 128 FP32 lanes per SM on sm_90 (and sm_86/89), 64 on sm_80.
    private const double HopperLanes = 128;
    private const double DefaultStepLatencyNs = 350;
    private const double DefaultExtraLaunchNs = 2000;

    /// <summary>H100 SXM: 132 SMs, 128 FP32 lanes each at 1.98 GHz.</summary>
    public static ConvPlanDevice H100 { get; } = new("h100", 132, HopperLanes * 1.98, DefaultStepLatencyNs, DefaultExtraLaunchNs);

    /// <summary>H200: the same SMs and clocks as the H100 SXM (more and faster HBM, which this model does not use).</summary>
    public static ConvPlanDevice H200 { get; } = H100 with { Name = "h200" };

    /// <summary>The presets <c>--gpu</c> accepts.</summary>
    public static IReadOnlyDictionary<string, ConvPlanDevice> Presets { get; } =
        new Dictionary<string, ConvPlanDevice>(StringComparer.OrdinalIgnoreCase) { ["h100"] = H100, ["h200"] = H200 };

    /// <summary>The preset named <paramref name="name"/>; the error lists the presets.</summary>
    public static ConvPlanDevice Preset(string name) =>
        Presets.TryGetValue(name, out var device) ? device
            : throw new ArgumentException($"unknown GPU preset '{name}'; presets: {string.Join(", ", Presets.Keys)}");

    /// <summary>The planning facts of a live device (the emulator gets the H100's constants with its own SM count).</summary>
    public static ConvPlanDevice Of(GpuProperties properties, bool emulated)
    {
        int sms = Math.Max(1, properties.MultiprocessorCount);
        if (emulated || properties.ClockRateKHz <= 0) return H100 with { Name = properties.Name, Multiprocessors = sms };
        double lanes = properties.ComputeMajor == 8 && properties.ComputeMinor == 0 ? 64 : HopperLanes;
        return new(properties.Name, sms, lanes * properties.ClockRateKHz / 1e6, DefaultStepLatencyNs, DefaultExtraLaunchNs);
    }
}
