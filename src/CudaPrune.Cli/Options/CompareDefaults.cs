using System.Globalization;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;
using CudaPrune.Experiment;

namespace CudaPrune.Cli.Options;

/// <summary>
/// What <c>compare</c> does when the command line leaves it open: which preset (the full one on a CUDA GPU,
/// the quick one elsewhere, where the full one would take many hours) and which run folder
/// (<c>runs/compare-&lt;UTC time&gt;</c>). Pure functions of their inputs, so tests need no GPU and no clock.
/// </summary>
public static class CompareDefaults
{
    public const string Quick = "quick";
    public const string Full = "full";
    public const string Gpu = "gpu";
    public static readonly string[] PresetNames = [Quick, Gpu, Full];

    /// <summary>The preset, and a sentence for stderr when it was chosen for the machine rather than asked for.</summary>
    public sealed record PresetChoice(CompareSettings Settings, string? Note);

    /// <param name="preset">--preset as given: quick, full or null.</param>
    /// <param name="quick">--quick (an alias of --preset quick).</param>
    /// <param name="onGpu">Whether the run computes on a CUDA GPU (<see cref="ComputesOnGpu"/>).</param>
    public static PresetChoice Preset(string? preset, bool quick, bool onGpu)
    {
        if (quick && preset == Full) throw new UsageException("--quick is --preset quick: give one of --quick and --preset full");
        if (quick || preset == Quick) return new(CompareSettings.Quick, null);
        if (preset == Full) return new(CompareSettings.Full, null);
        if (preset == Gpu) return new(CompareSettings.Gpu, null);
        if (preset is not null) throw new UsageException($"--preset must be {Quick}, {Gpu} or {Full}, got '{preset}'");
        return onGpu
            ? new(CompareSettings.Gpu, null)
            : new(CompareSettings.Quick, "no CUDA GPU to compute on: running the quick preset (minutes; proves the pipeline, not the claim). --preset full runs the full one (many hours on a CPU).");
    }

    /// <summary>The run folder: the one given, else runs/compare-20261204-163500 (UTC, sortable) under <paramref name="root"/>.</summary>
    public static string RunFolder(string? given, DateTime utcNow, string root = "runs") =>
        given ?? Path.Combine(root, "compare-" + utcNow.ToUniversalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    /// <summary>
    /// Whether --device computes on a CUDA GPU: cpu and emulated do not; cuda[:N] does (opening it fails later
    /// with the reason when there is none); auto does when the driver sees a device.
    /// </summary>
    public static bool ComputesOnGpu(string device, Func<bool>? gpuPresent = null)
    {
        var d = device.Trim().ToLowerInvariant();
        if (d is "cpu" or "emulated") return false;
        if (d != "auto") return true;
        return (gpuPresent ?? AnyGpu)();
    }

    private static bool AnyGpu() =>
        CudaLibraries.TryLoadDriver(out _) && CudaDevice.TryInitializeDriver(out _) && CudaDevice.DeviceCount > 0;
}
