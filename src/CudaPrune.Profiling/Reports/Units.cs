using System.Globalization;

namespace CudaPrune.Profiling.Reports;

/// <summary>Number formats shared by the reports (invariant culture; "n/a" for what was not measured).</summary>
public static class Units
{
    public static string Micros(double us) => double.IsFinite(us) ? us.ToString(us >= 1000 ? "N0" : "F1", CultureInfo.InvariantCulture) : "n/a";

    public static string Millis(double us) => double.IsFinite(us) ? (us / 1000).ToString(us >= 100_000 ? "F1" : "F3", CultureInfo.InvariantCulture) : "n/a";

    public static string Percent(double fraction, int decimals = 1) =>
        double.IsFinite(fraction) ? (100 * fraction).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%" : "n/a";

    public static string Number(double value, string format = "F1") => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>"1.23 M" style counts (FLOPs, parameters).</summary>
    public static string Count(double value) => value switch
    {
        >= 1e9 => Number(value / 1e9, "F2") + " G",
        >= 1e6 => Number(value / 1e6, "F2") + " M",
        >= 1e3 => Number(value / 1e3, "F1") + " k",
        _ => Number(value, "F0"),
    };

    public static string Bound(Latency.Bound bound) => bound switch
    {
        Latency.Bound.Compute => "compute",
        Latency.Bound.Memory => "memory",
        _ => "?",
    };
}
