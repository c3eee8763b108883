namespace CudaPrune.Experiment.Statistics;

/// <summary>
/// McNemar's test of two classifiers on the same test images: only the discordant images count,
/// <c>b</c> = A right and B wrong, <c>c</c> = A wrong and B right. Under "equally accurate" each discordant image
/// falls either way with probability ½, so the two-sided p-value is the exact binomial tail
/// 2 · P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), capped at 1 (McNemar 1947; the exact form is what
/// Dietterich 1998 recommends for comparing classifiers on one test set).
/// </summary>
public static class McNemar
{
    /// <summary>The discordant counts of two per-image correctness vectors (same images, same order).</summary>
    public static (int B, int C) Discordant(IReadOnlyList<bool> correctA, IReadOnlyList<bool> correctB)
    {
        if (correctA.Count != correctB.Count)
            throw new ArgumentException($"the two models were scored on different test sets ({correctA.Count} and {correctB.Count} images)");
        int b = 0, c = 0;
        for (int i = 0; i < correctA.Count; i++)
        {
            if (correctA[i] && !correctB[i]) b++;
            else if (!correctA[i] && correctB[i]) c++;
        }
        return (b, c);
    }

    /// <summary>The exact two-sided p-value for <paramref name="b"/> and <paramref name="c"/> discordant images; 1 when there are none.</summary>
    public static double PValue(int b, int c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        int n = b + c, k = Math.Min(b, c);
        if (n == 0) return 1.0;
        // Σ_{i≤k} C(n, i) / 2^n in log space: n may be thousands of images.
        double logHalfN = n * Math.Log(0.5), tail = 0, logBinomial = 0; // log C(n, 0) = 0
        for (int i = 0; i <= k; i++)
        {
            tail += Math.Exp(logBinomial + logHalfN);
            logBinomial += Math.Log(n - i) - Math.Log(i + 1);
        }
        return Math.Min(1.0, 2 * tail);
    }

    /// <summary>The p-value of two per-image correctness vectors.</summary>
    public static double PValue(IReadOnlyList<bool> correctA, IReadOnlyList<bool> correctB)
    {
        var (b, c) = Discordant(correctA, correctB);
        return PValue(b, c);
    }
}
