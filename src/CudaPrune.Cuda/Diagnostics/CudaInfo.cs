using System.Runtime.InteropServices;
using System.Text;
using CudaPrune.Cuda.Compilation;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Diagnostics;

/// <summary>One device as <c>cudaprune info</c> shows it: its properties and free memory, or why it could not be opened.</summary>
public sealed record DeviceSummary(int Ordinal, GpuProperties? Properties, long FreeBytes, string? Problem);

/// <summary>What this machine offers CudaPrune: .NET, the CUDA driver and its devices, NVRTC, cuBLAS, kernel sources and cache.</summary>
/// <param name="Runtime">".NET 10.0.0 (X64, Linux ...)".</param>
/// <param name="DriverFound">Whether the driver library loaded.</param>
/// <param name="DriverVersion">The driver API version (13000 = 13.0); null without a working driver.</param>
/// <param name="DriverProblem">Why there is no working driver (the paths tried, or why it did not start); null when there is one.</param>
/// <param name="Devices">The devices the driver sees (empty without a driver).</param>
/// <param name="Nvrtc">The NVRTC search.</param>
/// <param name="NvrtcVersion">"11.8"; null without a usable NVRTC.</param>
/// <param name="NvrtcProblem">Why a loaded NVRTC cannot be used (too old); null otherwise.</param>
/// <param name="NvrtcArchs">The real architectures NVRTC targets (empty without NVRTC).</param>
/// <param name="Cublas">The cuBLAS search.</param>
/// <param name="KernelSources">Where the kernel files come from and which they are.</param>
/// <param name="KernelCacheFolder">Where compiled kernels are cached.</param>
public sealed record CudaInfoReport(
    string Runtime,
    bool DriverFound,
    int? DriverVersion,
    string? DriverProblem,
    IReadOnlyList<DeviceSummary> Devices,
    LibraryLoadResult Nvrtc,
    string? NvrtcVersion,
    string? NvrtcProblem,
    IReadOnlyList<int> NvrtcArchs,
    LibraryLoadResult Cublas,
    string KernelSources,
    string KernelCacheFolder)
{
    /// <summary>The report as the lines <c>cudaprune info</c> prints.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.AppendLine($"  {label,-14}{value}");
        void Details(string message)
        {
            foreach (string line in message.Split(Environment.NewLine)) text.AppendLine($"  {"",-14}  {line.TrimEnd()}");
        }

        text.AppendLine("CudaPrune environment");
        Line(".NET", Runtime);
        if (DriverVersion is int v)
        {
            Line("CUDA driver", $"{v / 1000}.{v % 1000 / 10}");
            if (Devices.Count == 0) Line("devices", "none — CPU backend only");
            foreach (var d in Devices) Line($"device {d.Ordinal}", Describe(d));
        }
        else
        {
            Line("CUDA driver", DriverFound ? "present but unusable — CPU backend only" : CudaInfo.NoDriverSentence);
            Details(DriverProblem ?? "");
        }
        if (NvrtcVersion is not null)
            Line("NVRTC", $"{NvrtcVersion} at {Nvrtc.Path}; real targets sm_{string.Join(", sm_", NvrtcArchs)}");
        else
        {
            Line("NVRTC", (Nvrtc.IsLoaded ? "unusable" : "not found") + " — kernels cannot be compiled");
            Details(NvrtcProblem ?? Nvrtc.Message);
        }
        if (Cublas.IsLoaded) Line("cuBLAS", $"found at {Cublas.Path}");
        else
        {
            Line("cuBLAS", "not found — no cuBLAS yardstick");
            Details(Cublas.Message);
        }
        Line("kernels", KernelSources);
        Line("kernel cache", KernelCacheFolder);
        return text.ToString();
    }

    private static string Describe(DeviceSummary d)
    {
        if (d.Properties is not { } p) return $"cannot be opened: {d.Problem}";
        string s = $"{p.Name} — {p.Arch}, {p.MultiprocessorCount} SMs, {ByteSize.Format(p.TotalMemoryBytes)} ({ByteSize.Format(d.FreeBytes)} free), L2 {ByteSize.Format(p.L2CacheBytes)}";
        if (p.ClockRateKHz > 0) s += $", SM clock {p.ClockRateKHz / 1000} MHz";
        if (p.PeakBandwidthBytesPerSecond > 0) s += $", {p.PeakBandwidthBytesPerSecond / 1e12:0.##} TB/s peak";
        return s;
    }
}

/// <summary>Collects the <see cref="CudaInfoReport"/> behind <c>cudaprune info</c>; never throws for a missing library.</summary>
public static class CudaInfo
{
    /// <summary>What info says on a machine without the CUDA driver.</summary>
    public const string NoDriverSentence = "no CUDA driver found — CPU backend only";

    public static CudaInfoReport Collect()
    {
        string runtime = $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription})";

        int? driverVersion = null;
        string? driverProblem = null;
        var devices = new List<DeviceSummary>();
        bool driverFound = CudaLibraries.TryLoadDriver(out string driverReason);
        if (!driverFound)
            driverProblem = driverReason;
        else if (!CudaDevice.TryInitializeDriver(out string initReason))
            driverProblem = initReason;
        else
        {
            driverVersion = CudaDevice.DriverVersion;
            for (int i = 0; i < CudaDevice.DeviceCount; i++)
            {
                if (!CudaDevice.TryOpen(i, out var device, out string problem))
                {
                    devices.Add(new DeviceSummary(i, null, 0, problem));
                    continue;
                }
                using (device) devices.Add(new DeviceSummary(i, device.Properties, device.MemoryInfo().Free, null));
            }
        }

        var nvrtc = CudaLibraries.Get(CudaLibrary.Nvrtc);
        string? nvrtcVersion = null, nvrtcProblem = null;
        IReadOnlyList<int> archs = [];
        if (nvrtc.IsLoaded)
        {
            try
            {
                archs = KernelCompiler.SupportedArchs;
                nvrtcVersion = $"{KernelCompiler.NvrtcVersion.Major}.{KernelCompiler.NvrtcVersion.Minor}";
            }
            catch (CudaException e)
            {
                nvrtcProblem = e.Message;
            }
        }

        var sources = Compilation.KernelSources.Default;
        return new CudaInfoReport(runtime, driverFound, driverVersion, driverProblem, devices, nvrtc, nvrtcVersion, nvrtcProblem, archs,
            CudaLibraries.Get(CudaLibrary.Cublas),
            $"{sources.Origin}: {string.Join(", ", sources.FileNames)}",
            KernelCache.DefaultFolder);
    }
}
