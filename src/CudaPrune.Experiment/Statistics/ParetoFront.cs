namespace CudaPrune.Experiment.Statistics;

/// <summary>
/// The Pareto front of accuracy against latency: the points no other point beats on both (lower or equal
/// latency and higher or equal accuracy, better on at least one), ordered by latency.
/// </summary>
public static class ParetoFront
{
    /// <summary>The non-dominated points of <paramref name="points"/> (latency, accuracy, any label), by increasing latency.</summary>
    public static IReadOnlyList<T> Of<T>(IEnumerable<T> points, Func<T, double> latency, Func<T, double> accuracy)
    {
        var front = new List<T>();
        double best = double.NegativeInfinity;
        // Fastest first; among equally fast, the most accurate first, so equal-latency losers are dropped.
        foreach (var p in points.OrderBy(latency).ThenByDescending(accuracy))
        {
            double a = accuracy(p);
            if (double.IsNaN(a) || double.IsNaN(latency(p))) continue;
            if (a <= best) continue;
            front.Add(p);
            best = a;
        }
        return front;
    }

    /// <summary>Whether point A dominates point B: no slower, no less accurate, better on one.</summary>
    public static bool Dominates(double latencyA, double accuracyA, double latencyB, double accuracyB) =>
        latencyA <= latencyB && accuracyA >= accuracyB && (latencyA < latencyB || accuracyA > accuracyB);
}
