using System.Text.Json.Nodes;
using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Profiling.Reports;

namespace CudaPrune.Cli;

/// <summary>The JSON document of <c>cudaprune verify --json</c>: the counts, then one object per check.</summary>
public static class VerifyJson
{
    public static JsonObject ToNode(VerificationReport r, bool quick) => new()
    {
        ["device"] = r.Device,
        ["quick"] = quick,
        ["checks"] = r.Outcomes.Count,
        ["passed"] = r.Passed,
        ["failed"] = r.Failed,
        ["skipped"] = r.Skipped,
        ["all_passed"] = r.AllPassed,
        ["seconds"] = r.Elapsed.TotalSeconds,
        ["results"] = new JsonArray(r.Outcomes.Select(o => (JsonNode?)new JsonObject
        {
            ["op"] = o.Check.Op,
            ["kernel"] = o.Check.Kernel,
            ["version"] = o.Check.Version,
            ["block"] = o.Check.BlockSize > 0 ? o.Check.BlockSize : null,
            ["shape"] = o.Check.Shape,
            ["status"] = o.Status.ToString().ToLowerInvariant(),
            ["max_abs_error"] = o.Result is { } a ? ProfileJson.Finite(a.MaxAbsError) : null,
            ["max_rel_error"] = o.Result is { } e ? ProfileJson.Finite(e.MaxRelError) : null,
            ["atol"] = o.Check.Atol,
            ["rtol"] = o.Check.Rtol,
            ["reason"] = o.Reason,
            ["seconds"] = o.Elapsed.TotalSeconds,
        }).ToArray()),
    };
}
