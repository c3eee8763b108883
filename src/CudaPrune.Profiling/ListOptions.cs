using System.Globalization;

namespace CudaPrune.Profiling;

/// <summary>Parses the comma-separated lists of the command line (batch sizes, FLOPs budgets), naming the option in every error.</summary>
public static class ListOptions
{
    /// <summary>"1,8,32" → [1, 8, 32]: positive integers, no duplicates, in the order given.</summary>
    public static IReadOnlyList<int> BatchSizes(string? text, string option = "--batch")
    {
        var items = Items(text, option);
        var sizes = new List<int>();
        foreach (var item in items)
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new ArgumentException($"{option}: '{item}' is not a batch size (a whole number ≥ 1); expected a list such as 1,8,32");
            if (sizes.Contains(n)) throw new ArgumentException($"{option}: batch size {n} is listed twice");
            sizes.Add(n);
        }
        return sizes;
    }

    /// <summary>"0.75,0.5" → [0.75, 0.5]: fractions of the baseline's FLOPs to keep, each in (0, 1), no duplicates.</summary>
    public static IReadOnlyList<double> Budgets(string? text, string option = "--budgets")
    {
        var items = Items(text, option);
        var budgets = new List<double>();
        foreach (var item in items)
        {
            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) || !double.IsFinite(b))
                throw new ArgumentException($"{option}: '{item}' is not a number; expected fractions of the baseline's FLOPs to keep, such as 0.75,0.5,0.3");
            if (b <= 0 || b >= 1) throw new ArgumentException($"{option}: budget {item} is outside (0, 1): a budget is the fraction of the baseline's FLOPs to keep");
            if (budgets.Contains(b)) throw new ArgumentException($"{option}: budget {item} is listed twice");
            budgets.Add(b);
        }
        return budgets;
    }

    private static string[] Items(string? text, string option)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (items.Length == 0 || items.Any(i => i.Length == 0))
            throw new ArgumentException($"{option}: '{text}' is not a comma-separated list (an entry is empty)");
        return items;
    }
}
