using System.Text;

namespace CudaPrune.Profiling.Reports;

/// <summary>A plain-text table with padded columns: the first column left-aligned, the others right-aligned (they hold numbers).</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {headers.Length} columns");
        _rows.Add(cells);
        return this;
    }

    /// <summary>Columns whose header is listed here are left-aligned too (names rather than numbers).</summary>
    public HashSet<string> LeftAligned { get; } = [];

    /// <summary>The table, each line prefixed with <paramref name="indent"/>.</summary>
    public string Render(string indent = "")
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        foreach (var row in _rows.Prepend(headers))
        {
            var line = new StringBuilder(indent);
            for (int i = 0; i < row.Length; i++)
            {
                if (i > 0) line.Append("  ");
                bool left = i == 0 || LeftAligned.Contains(headers[i]);
                line.Append(left ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]));
            }
            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return sb.ToString();
    }
}
