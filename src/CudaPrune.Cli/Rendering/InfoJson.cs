using System.Text.Json.Nodes;
using CudaPrune.Cuda.Diagnostics;
using CudaPrune.Cuda.Native;

namespace CudaPrune.Cli;

/// <summary>The JSON document of <c>cudaprune info --json</c>: the same facts as its text, one key each.</summary>
public static class InfoJson
{
    public static JsonObject ToNode(CudaInfoReport r, SmokeTestResult? smoke, string? smokeSkipped) => new()
    {
        ["runtime"] = r.Runtime,
        ["driver_found"] = r.DriverFound,
        ["driver_version"] = r.DriverVersion is int v ? $"{v / 1000}.{v % 1000 / 10}" : null,
        ["driver_problem"] = r.DriverProblem,
        ["devices"] = new JsonArray(r.Devices.Select(d => (JsonNode?)Device(d)).ToArray()),
        ["nvrtc"] = Library(r.Nvrtc, r.NvrtcVersion, r.NvrtcProblem),
        ["nvrtc_archs"] = new JsonArray(r.NvrtcArchs.Select(a => (JsonNode?)$"sm_{a}").ToArray()),
        ["cublas"] = Library(r.Cublas, null, null),
        ["kernel_sources"] = r.KernelSources,
        ["kernel_cache"] = r.KernelCacheFolder,
        ["smoke_test"] = smoke is null && smokeSkipped is null ? null : new JsonObject
        {
            ["passed"] = smoke?.Passed,
            ["skipped"] = smokeSkipped,
            ["lines"] = new JsonArray((smoke?.Lines ?? []).Select(l => (JsonNode?)l).ToArray()),
        },
    };

    private static JsonObject Device(DeviceSummary d) => d.Properties is not { } p
        ? new JsonObject { ["ordinal"] = d.Ordinal, ["problem"] = d.Problem }
        : new JsonObject
        {
            ["ordinal"] = d.Ordinal,
            ["name"] = p.Name,
            ["arch"] = p.Arch,
            ["sms"] = p.MultiprocessorCount,
            ["memory_bytes"] = p.TotalMemoryBytes,
            ["free_bytes"] = d.FreeBytes,
            ["l2_bytes"] = p.L2CacheBytes,
            ["sm_clock_khz"] = p.ClockRateKHz,
            ["peak_bytes_per_second"] = p.PeakBandwidthBytesPerSecond,
            ["peak_fp32_flops_per_second"] = p.PeakFp32FlopsPerSecond,
        };

    private static JsonObject Library(LibraryLoadResult l, string? version, string? problem) => new()
    {
        ["found"] = l.IsLoaded,
        ["path"] = l.Path,
        ["version"] = version,
        ["problem"] = problem ?? (l.IsLoaded ? null : l.Message),
    };
}
