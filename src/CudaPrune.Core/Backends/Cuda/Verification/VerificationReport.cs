using System.Globalization;
using System.Text;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>The outcomes of a verification run on one device, and their table.</summary>
public sealed record VerificationReport(string Device, IReadOnlyList<KernelCheckOutcome> Outcomes, TimeSpan Elapsed)
{
    public int Passed => Outcomes.Count(o => o.Status == CheckStatus.Passed);
    public int Failed => Outcomes.Count(o => o.Status == CheckStatus.Failed);
    public int Skipped => Outcomes.Count(o => o.Status == CheckStatus.Skipped);

    /// <summary>True when no check failed (skipped ones do not count against it).</summary>
    public bool AllPassed => Failed == 0;

    /// <summary>"verify on emulated: 176 checks, 170 passed, 0 FAILED, 6 skipped in 12.3 s".</summary>
    public string Summary =>
        string.Create(CultureInfo.InvariantCulture,
            $"verify on {Device}: {Outcomes.Count} checks, {Passed} passed, {Failed} FAILED, {Skipped} skipped in {Elapsed.TotalSeconds:0.0} s");

    /// <summary>The whole table: header, a row per check, the summary.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(VerificationTable.Header);
        foreach (var o in Outcomes) text.AppendLine(VerificationTable.Row(o));
        text.AppendLine(Summary);
        return text.ToString();
    }
}

/// <summary>The fixed-width table `cudaprune verify` prints, a row as each check ends.</summary>
public static class VerificationTable
{
    private const string Format = "{0,-44} {1,7} {2,5} {3,-52} {4,11} {5,11} {6,-18} {7}";

    public static string Header =>
        string.Format(CultureInfo.InvariantCulture, Format, "kernel", "version", "block", "shape", "max abs err", "max rel err", "tolerance", "result");

    /// <summary>One check; a failure or a skip carries its reason on the same line.</summary>
    public static string Row(KernelCheckOutcome o)
    {
        var c = o.Check;
        string result = o.Status switch
        {
            CheckStatus.Passed => "pass",
            CheckStatus.Failed => "FAIL" + (o.Reason is null ? "" : ": " + o.Reason),
            _ => "skipped: " + o.Reason,
        };
        return string.Format(CultureInfo.InvariantCulture, Format, c.Kernel, c.Version, c.BlockSize > 0 ? c.BlockSize.ToString(CultureInfo.InvariantCulture) : "-",
            c.Shape, Error(o.Result?.MaxAbsError), Error(o.Result?.MaxRelError), Tolerance(c), result).TrimEnd();
    }

    /// <summary>"1e-06 + 1e-05·|ref|", or "exact".</summary>
    public static string Tolerance(KernelCheck c) =>
        c.Atol == 0 && c.Rtol == 0 ? "exact" : string.Create(CultureInfo.InvariantCulture, $"{c.Atol:0.#e+00} + {c.Rtol:0.#e+00}·|ref|");

    private static string Error(double? e) => e is double v ? v.ToString("0.00e+00", CultureInfo.InvariantCulture) : "-";
}
