using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CudaPrune.Core.Models;

/// <summary>
/// JSON form of a <see cref="ModelSpec"/>: camelCase properties, one object per layer with a "type"
/// ("conv", "batchnorm", "relu", "maxpool", "avgpool", "globalavgpool", "flatten", "linear",
/// "basicblock"), each layer on one line, properties in declaration order, so the same spec always
/// gives the same text.
/// </summary>
public static class ModelSpecJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter<ShortcutKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        // Hand-written specs: a typo'd or missing property is an error, not a silent default.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowOutOfOrderMetadataProperties = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(ModelSpec spec)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(spec, Options));
        var sb = new StringBuilder();
        Write(sb, doc.RootElement, 0);
        return sb.Append('\n').ToString();
    }

    /// <summary>Parses and validates a spec; throws <see cref="ModelSpecException"/> on bad JSON or an inconsistent network.</summary>
    public static ModelSpec Deserialize(string json)
    {
        ModelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ModelSpec>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ModelSpecException($"invalid model spec JSON: {e.Message}");
        }
        if (spec is null) throw new ModelSpecException("invalid model spec JSON: null");
        spec.Validate();
        return spec;
    }

    // Indented layout, except that an object or array holding only scalars goes on one line (a layer per line).
    private static void Write(StringBuilder sb, JsonElement e, int depth)
    {
        bool isObject = e.ValueKind == JsonValueKind.Object;
        if (!isObject && e.ValueKind != JsonValueKind.Array)
        {
            sb.Append(e.GetRawText());
            return;
        }
        var items = isObject
            ? e.EnumerateObject().Select(p => (Key: (string?)JsonSerializer.Serialize(p.Name, Options), p.Value)).ToList()
            : e.EnumerateArray().Select(v => (Key: (string?)null, Value: v)).ToList();
        char open = isObject ? '{' : '[', close = isObject ? '}' : ']';
        bool flat = items.All(i => i.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array));
        string inner = flat ? "" : "\n" + new string(' ', 2 * (depth + 1));
        sb.Append(open);
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(flat ? ", " : ",");
            sb.Append(inner);
            if (items[i].Key is { } key) sb.Append(key).Append(": ");
            Write(sb, items[i].Value, depth + 1);
        }
        if (!flat && items.Count > 0) sb.Append('\n').Append(new string(' ', 2 * depth));
        sb.Append(close);
    }
}
