using System.Text.Json.Nodes;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// A cell's <c>cell.json</c>: what it was asked (inputs, dependencies), what it made (output files with their
/// SHA-256, and a result object), whether it finished, when, where and on what.
/// </summary>
public sealed record CellRecord(
    string Id,
    string Name,
    string Kind,
    string Status,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyList<string> Dependencies,
    DateTime StartedUtc,
    DateTime FinishedUtc,
    double WallSeconds,
    double CpuSeconds,
    string Host,
    string Device,
    IReadOnlyDictionary<string, string> Outputs,
    JsonObject Result,
    string? Error = null)
{
    public const string FileName = "cell.json";
    public const string Done = "done";
    public const string Failed = "failed";
    public const int Format = 1;

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["id"] = Id,
            ["name"] = Name,
            ["kind"] = Kind,
            ["status"] = Status,
            ["inputs"] = new JsonObject(Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["dependencies"] = new JsonArray([.. Dependencies.Select(d => (JsonNode?)d)]),
            ["started_utc"] = StartedUtc.ToString("O"),
            ["finished_utc"] = FinishedUtc.ToString("O"),
            ["wall_seconds"] = Math.Round(WallSeconds, 3),
            ["cpu_seconds"] = Math.Round(CpuSeconds, 3),
            ["host"] = Host,
            ["device"] = Device,
            ["outputs"] = new JsonObject(Outputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject { ["sha256"] = kv.Value }))),
            ["result"] = Result.DeepClone(),
        };
        if (Error is not null) json["error"] = Error;
        return json;
    }

    /// <summary>Reads a cell.json; throws <see cref="FormatException"/> naming what is missing or malformed.</summary>
    public static CellRecord Parse(string text)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("cell.json is not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"cell.json is not valid JSON: {e.Message}");
        }
        string Text(string key) => json[key]?.GetValue<string>() ?? throw new FormatException($"cell.json has no \"{key}\"");
        if (json["format"]?.GetValue<int>() is not Format) throw new FormatException($"cell.json is not of format {Format}");
        var inputs = (json["inputs"] as JsonObject ?? throw new FormatException("cell.json has no \"inputs\""))
            .ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "");
        var outputs = (json["outputs"] as JsonObject ?? throw new FormatException("cell.json has no \"outputs\""))
            .ToDictionary(kv => kv.Key, kv => kv.Value?["sha256"]?.GetValue<string>() ?? throw new FormatException($"cell.json: output {kv.Key} has no sha256"));
        var dependencies = (json["dependencies"] as JsonArray ?? throw new FormatException("cell.json has no \"dependencies\"")).Select(d => d!.GetValue<string>()).ToList();
        return new CellRecord(Text("id"), Text("name"), Text("kind"), Text("status"), inputs, dependencies,
            DateTime.Parse(Text("started_utc"), null, System.Globalization.DateTimeStyles.RoundtripKind),
            DateTime.Parse(Text("finished_utc"), null, System.Globalization.DateTimeStyles.RoundtripKind),
            json["wall_seconds"]?.GetValue<double>() ?? 0, json["cpu_seconds"]?.GetValue<double>() ?? 0,
            Text("host"), Text("device"), outputs, (json["result"] as JsonObject)?.DeepClone().AsObject() ?? throw new FormatException("cell.json has no \"result\""),
            json["error"]?.GetValue<string>());
    }
}
