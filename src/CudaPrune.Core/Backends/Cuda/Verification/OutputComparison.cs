namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Compares a kernel's outputs with the reference's element by element: an element passes when
/// |out - ref| ≤ atol + rtol·|ref| (NaN only matches NaN; exact outputs must be equal).
/// </summary>
public static class OutputComparison
{
    /// <remarks>
    /// The reported relative error is |out - ref| / |ref| over the elements with |ref| ≥ atol; smaller
    /// references are judged by atol alone, where a relative error says nothing.
    /// </remarks>
    public static KernelCheckResult Compare(IReadOnlyList<CheckOutput> expected, IReadOnlyList<CheckOutput> actual, double atol, double rtol)
    {
        if (expected.Count != actual.Count)
            return new KernelCheckResult(double.NaN, double.NaN, false, $"{actual.Count} outputs, the reference has {expected.Count}");
        double maxAbs = 0, maxRel = 0;
        string? firstFailure = null;
        for (int o = 0; o < expected.Count; o++)
        {
            var (e, a) = (expected[o], actual[o]);
            if (e.Values.Length != a.Values.Length)
                return new KernelCheckResult(double.NaN, double.NaN, false, $"{e.Name}: {a.Values.Length} values, the reference has {e.Values.Length}");
            for (int i = 0; i < e.Values.Length; i++)
            {
                double r = e.Values[i], v = a.Values[i];
                double abs = r.Equals(v) ? 0 : Math.Abs(v - r); // Equals: NaN matches NaN, ∞ matches ∞
                if (double.IsNaN(abs)) abs = double.PositiveInfinity;
                bool ok = abs == 0 || (!e.Exact && !a.Exact && abs <= atol + rtol * Math.Abs(r));
                maxAbs = Math.Max(maxAbs, abs);
                if (Math.Abs(r) >= atol && Math.Abs(r) > 0) maxRel = Math.Max(maxRel, abs / Math.Abs(r));
                if (!ok && firstFailure is null) firstFailure = $"{e.Name}[{i}] = {v:G9}, reference {r:G9}";
            }
        }
        return new KernelCheckResult(maxAbs, maxRel, firstFailure is null, firstFailure is null ? null : "first failure: " + firstFailure);
    }
}
