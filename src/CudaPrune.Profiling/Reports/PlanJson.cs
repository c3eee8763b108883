using System.Text.Json.Nodes;
using CudaPrune.Profiling.Planning;

namespace CudaPrune.Profiling.Reports;

/// <summary>Launch plans as JSON (snake_case keys; times in µs; non-finite numbers as null).</summary>
public static class PlanJson
{
    public static JsonObject ToNode(ModelLaunchPlan p) => new()
    {
        ["model"] = p.Model,
        ["checkpoint"] = p.Checkpoint,
        ["gpu"] = new JsonObject { ["name"] = p.Device.Name, ["multiprocessors"] = p.Device.Multiprocessors },
        ["version"] = p.Version,
        ["op"] = ModelLaunchPlan.Op,
        ["source"] = "launch planner's model (tile padding counted exactly; times are the cost model's estimates), not measurements",
        ["batches"] = new JsonArray([.. p.Batches.Select(b => (JsonNode)ToNode(b))]),
    };

    public static JsonObject ToNode(BatchLaunchPlan b) => new()
    {
        ["batch"] = b.Batch,
        ["useful_mac_fraction"] = ProfileJson.Finite(b.UsefulMacFraction),
        ["useful_macs"] = b.UsefulMacs,
        ["computed_macs"] = b.ComputedMacs,
        ["underfilled_launches"] = b.Underfilled.Count,
        ["underfilled_min_flops"] = BatchLaunchPlan.SignificantFlops,
        ["launches"] = new JsonArray([.. b.Launches.Select(l => (JsonNode)ToNode(l))]),
    };

    public static JsonObject ToNode(ConvLaunchRow l) => new()
    {
        ["layer"] = l.Layer,
        ["batch"] = l.Batch,
        ["kernel"] = l.Kernel,
        ["tile"] = l.Tile,
        ["split_k"] = l.SplitK,
        ["blocks"] = l.Blocks,
        ["blocks_per_sm"] = ProfileJson.Finite(l.BlocksPerSm),
        ["flops"] = l.Flops,
        ["useful_mac_fraction"] = ProfileJson.Finite(l.UsefulMacFraction),
        ["computed_macs"] = l.ComputedMacs,
        ["workspace_bytes"] = l.WorkspaceBytes,
        ["estimated_us"] = ProfileJson.Finite(l.EstimatedUs),
        ["shape"] = new JsonObject
        {
            ["c"] = l.Geometry.C, ["h"] = l.Geometry.H, ["w"] = l.Geometry.W, ["oc"] = l.Geometry.OC,
            ["k"] = l.Geometry.K, ["stride"] = l.Geometry.Stride, ["padding"] = l.Geometry.Padding,
        },
    };
}
