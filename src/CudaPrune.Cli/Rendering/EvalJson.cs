using System.Text.Json.Nodes;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Profiling.Reports;

namespace CudaPrune.Cli;

/// <summary>The JSON document of <c>cudaprune eval --json</c>.</summary>
public static class EvalJson
{
    public static JsonObject ToNode(string checkpoint, ModelStats stats, string device, CifarSource source, string dataLabel, Evaluator.Result result) => new()
    {
        ["checkpoint"] = Path.GetFullPath(checkpoint),
        ["model"] = stats.Spec.Name,
        ["params"] = stats.Params,
        ["flops"] = stats.Flops,
        ["device"] = device,
        ["data"] = dataLabel,
        ["data_path"] = source.Path,
        ["images"] = result.Images,
        ["accuracy"] = ProfileJson.Finite(result.Accuracy),
        ["loss"] = ProfileJson.Finite(result.Loss),
        ["seconds"] = ProfileJson.Finite(result.Seconds),
        ["images_per_second"] = ProfileJson.Finite(result.Images / result.Seconds),
    };
}
