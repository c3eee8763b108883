using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// An experiment written down so that any process can run any of its cells: <c>plan.json</c> (the settings, device,
/// dataset and code version the graph is built from, and the cells) and <c>jobs.tsv</c> (one line per cell with its
/// stage, for job arrays: every dependency of a stage-N cell is in an earlier stage).
/// </summary>
public sealed record ComparePlan(CompareSettings Settings, string Code, string Device, string Dataset, string? BaselineSha256, bool SecondEngine)
{
    public const string PlanFile = "plan.json";
    public const string JobsFile = "jobs.tsv";
    public const int Format = 1;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Where the data was found when the plan was written: a cell run without --data looks there (on a shared filesystem).</summary>
    public string? DataPath { get; init; }

    public CompareCellGraph Graph() => new(Settings, Code, Device, Dataset, BaselineSha256, SecondEngine);

    /// <summary>Writes plan.json and jobs.tsv into <paramref name="runFolder"/> (each atomically).</summary>
    public void Write(string runFolder)
    {
        Directory.CreateDirectory(runFolder);
        var graph = Graph();
        var stages = graph.Stages();
        var json = new JsonObject
        {
            ["format"] = Format,
            ["code"] = Code,
            ["device"] = Device,
            ["dataset"] = Dataset,
            ["baseline_sha256"] = BaselineSha256,
            ["second_engine"] = SecondEngine,
            ["data"] = DataPath,
            ["settings"] = JsonSerializer.SerializeToNode(Settings, s_json),
            ["cells"] = new JsonArray([.. graph.Cells.Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = c.Id, ["name"] = c.Name, ["kind"] = c.Kind, ["stage"] = stages[c.Id], ["exclusive"] = c.Exclusive,
                ["dependencies"] = new JsonArray([.. c.Dependencies.Select(d => (JsonNode?)d)]),
            })]),
        };
        CellStore.WriteAtomically(Path.Combine(runFolder, PlanFile), json.ToJsonString(s_json));
        var tsv = new StringBuilder("stage\tindex\tcell\tname\texclusive\n");
        foreach (var stage in graph.Cells.GroupBy(c => stages[c.Id]).OrderBy(g => g.Key))
        {
            int index = 0;
            foreach (var cell in stage)
                tsv.Append(CultureInfo.InvariantCulture, $"{stage.Key}\t{index++}\t{cell.Id}\t{cell.Name}\t{(cell.Exclusive ? "yes" : "no")}\n");
        }
        CellStore.WriteAtomically(Path.Combine(runFolder, JobsFile), tsv.ToString());
    }

    /// <summary>
    /// Reads the plan of <paramref name="runFolder"/>; refuses one written by another code version (its cell ids would
    /// not be this build's) naming both.
    /// </summary>
    public static ComparePlan Read(string runFolder, string code)
    {
        var path = Path.Combine(runFolder, PlanFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist: write it first with compare --plan --out {runFolder} (or run compare there)", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"{path} cannot be read: {e.Message}");
        }
        if (json["format"]?.GetValue<int>() is not Format) throw new FormatException($"{path} is not a plan of format {Format}");
        var planCode = json["code"]?.GetValue<string>() ?? "";
        if (planCode != code)
            throw new InvalidOperationException($"{path} was written by code version {planCode}; this build is {code}: its cell ids would differ. Write the plan again with this build (compare --plan), or run the build that wrote it");
        var settings = json["settings"].Deserialize<CompareSettings>(s_json) ?? throw new FormatException($"{path} has no settings");
        var plan = new ComparePlan(settings.Validated(), planCode, json["device"]!.GetValue<string>(), json["dataset"]!.GetValue<string>(),
            json["baseline_sha256"]?.GetValue<string>(), json["second_engine"]?.GetValue<bool>() ?? false) { DataPath = json["data"]?.GetValue<string>() };
        var ids = (json["cells"] as JsonArray ?? []).Select(c => c!["id"]!.GetValue<string>()).ToList();
        if (!ids.SequenceEqual(plan.Graph().Cells.Select(c => c.Id)))
            throw new FormatException($"{path}: its cells are not the ones its settings give (edited by hand?); write it again with compare --plan");
        return plan;
    }
}
