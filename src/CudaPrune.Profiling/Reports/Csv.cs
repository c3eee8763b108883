using System.Globalization;
using System.Text;

namespace CudaPrune.Profiling.Reports;

/// <summary>Builds RFC 4180 CSV: fields with a comma, quote or line break are quoted; numbers in the invariant culture, NaN as empty.</summary>
public sealed class Csv(params string[] header)
{
    private readonly StringBuilder _text = new(string.Join(",", header.Select(Escape)) + "\n");

    public Csv Row(params object?[] fields)
    {
        if (fields.Length != header.Length) throw new ArgumentException($"a CSV row of {fields.Length} fields under a header of {header.Length}");
        _text.Append(string.Join(",", fields.Select(Format))).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    private static string Format(object? value) => value switch
    {
        null => "",
        double d when !double.IsFinite(d) => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Escape(value.ToString() ?? ""),
    };

    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
