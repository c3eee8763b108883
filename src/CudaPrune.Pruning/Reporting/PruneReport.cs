using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Pruning.Reporting;

/// <summary>The per-layer comparison of a model before and after pruning, as rows and as text.</summary>
public static class PruneReport
{
    /// <summary>
    /// Rows in the original order, with the pruned model's new rows (a block replaced by its shortcut)
    /// after the row they follow. <paramref name="rebuilt"/> maps a re-initialised layer to what changed in it.
    /// </summary>
    public static List<LayerChange> Compare(ModelStats before, ModelStats after, IReadOnlyDictionary<string, string> rebuilt)
    {
        var afterByName = after.Layers.ToDictionary(r => r.Name);
        var beforeNames = before.Layers.Select(r => r.Name).ToHashSet();
        var newAfter = new Dictionary<string, List<LayerStats>>(); // predecessor ("" = start) → new rows
        string previous = "";
        foreach (var row in after.Layers)
        {
            if (beforeNames.Contains(row.Name)) { previous = row.Name; continue; }
            if (!newAfter.TryGetValue(previous, out var list)) newAfter[previous] = list = [];
            list.Add(row);
        }

        var rows = new List<LayerChange>();
        AddNew("");
        foreach (var b in before.Layers)
        {
            if (afterByName.TryGetValue(b.Name, out var a))
            {
                var change = Describe(b, a);
                if (rebuilt.TryGetValue(b.Name, out var what)) change = $"rebuilt (re-initialised): {what}";
                rows.Add(new LayerChange(b.Name, b.Kind, b.Params, a.Params, b.Flops, a.Flops, change));
            }
            else rows.Add(new LayerChange(b.Name, b.Kind, b.Params, 0, b.Flops, 0, "removed"));
            AddNew(b.Name);
        }
        return rows;

        void AddNew(string predecessor)
        {
            foreach (var a in newAfter.GetValueOrDefault(predecessor) ?? [])
                rows.Add(new LayerChange(a.Name, a.Kind, 0, a.Params, 0, a.Flops, "new"));
        }
    }

    /// <summary>For a FLOPs or parameter target, a note of what was asked and what was reached; null for a ratio.</summary>
    public static string? TargetNote(PruneTarget target, ModelStats before, ModelStats after)
    {
        if (target.Kind == PruneTargetKind.Ratio) return null;
        double kept = (double)target.Measure(after) / target.Measure(before);
        string noun = target.Kind == PruneTargetKind.Flops ? "FLOPs" : "parameters";
        return string.Create(CultureInfo.InvariantCulture, $"kept {kept:P1} of the {noun} for a target of {target.Value:P1} ({(kept - target.Value) * 100:+0.0;-0.0;0.0} points)");
    }

    /// <summary>Channel and map-size changes of one layer ("out 16→8", "ch 64→32", "map 8x8→16x16").</summary>
    private static string Describe(LayerStats b, LayerStats a)
    {
        var parts = new List<string>();
        bool weighted = b.Kind is "conv" or "linear"; // the others map each channel to itself
        if (!weighted)
        {
            if (b.Output.Channels != a.Output.Channels) parts.Add($"ch {b.Output.Channels}→{a.Output.Channels}");
        }
        else
        {
            if (b.Input.Channels != a.Input.Channels) parts.Add($"in {b.Input.Channels}→{a.Input.Channels}");
            if (b.Output.Channels != a.Output.Channels) parts.Add($"out {b.Output.Channels}→{a.Output.Channels}");
        }
        if (!b.Input.IsFlat && (b.Input.Height != a.Input.Height || b.Input.Width != a.Input.Width))
            parts.Add($"map {b.Input.Height}x{b.Input.Width}→{a.Input.Height}x{a.Input.Width}");
        return string.Join(", ", parts);
    }

    /// <summary>The table of a result as aligned text, with a total line.</summary>
    public static string ToText(PruneResult result) => ToText(result.Layers, result.Before, result.After);

    /// <summary>A table of rows as aligned text, with a total line comparing <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static string ToText(IReadOnlyList<LayerChange> rows, ModelStats before, ModelStats after)
    {
        var sb = new StringBuilder();
        int width = Math.Max(12, rows.Max(r => r.Name.Length));
        sb.AppendLine(Inv($"{"layer".PadRight(width)}  {"kind",-13} {"params before",13} {"after",11}  {"MFLOPs before",13} {"after",9}  change"));
        foreach (var r in rows)
            sb.AppendLine(Inv($"{r.Name.PadRight(width)}  {r.Kind,-13} {r.ParamsBefore,13:N0} {r.ParamsAfter,11:N0}  {r.FlopsBefore / 1e6,13:F3} {r.FlopsAfter / 1e6,9:F3}  {r.Change}"));
        double paramsKept = (double)after.Params / before.Params, flopsKept = (double)after.Flops / before.Flops;
        sb.AppendLine(Inv($"{"total".PadRight(width)}  {"",-13} {before.Params,13:N0} {after.Params,11:N0}  {before.Flops / 1e6,13:F3} {after.Flops / 1e6,9:F3}  params {paramsKept:P1}, FLOPs {flopsKept:P1} kept"));
        return sb.ToString();
    }

    /// <summary>
    /// The report as JSON (prune.json): model, method, criterion, target, cost before and after, notes,
    /// and one object per row; <paramref name="extra"/> entries are added at the top level.
    /// </summary>
    public static string ToJson(string method, string criterion, PruneTarget target, ModelStats before, ModelStats after,
        IReadOnlyList<LayerChange> rows, IReadOnlyList<string> notes, IReadOnlyDictionary<string, object?> extra)
    {
        var json = new JsonObject
        {
            ["model"] = before.Spec.Name,
            ["method"] = method,
            ["criterion"] = criterion,
            ["target"] = target.ToString(),
            ["params_before"] = before.Params,
            ["params_after"] = after.Params,
            ["params_kept"] = (double)after.Params / before.Params,
            ["flops_before"] = before.Flops,
            ["flops_after"] = after.Flops,
            ["flops_kept"] = (double)after.Flops / before.Flops,
            ["notes"] = new JsonArray(notes.Select(n => (JsonNode?)n).ToArray()),
            ["layers"] = new JsonArray(rows.Select(r => (JsonNode?)new JsonObject
            {
                ["name"] = r.Name,
                ["kind"] = r.Kind,
                ["params_before"] = r.ParamsBefore,
                ["params_after"] = r.ParamsAfter,
                ["flops_before"] = r.FlopsBefore,
                ["flops_after"] = r.FlopsAfter,
                ["change"] = r.Change,
            }).ToArray()),
        };
        foreach (var (k, v) in extra) json[k] = JsonSerializer.SerializeToNode(v);
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
