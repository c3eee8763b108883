using System.Globalization;

namespace CudaPrune.Pruning.Targets;

/// <summary>
/// Finds the pruning ratio whose result keeps a given fraction of a cost (FLOPs or parameters), by
/// bisection: the kept cost falls as the ratio grows. Returns the evaluated result closest to the target
/// (rounding to multiples of K can leave gaps); only a target below what the most pruning keeps, by more
/// than the tolerance, is an error.
/// </summary>
internal static class RatioSearch
{
    private const int Iterations = 40;

    /// <param name="planAt">The pruning decision at a ratio in [0, 1].</param>
    /// <param name="keptFraction">The fraction of the original cost a decision keeps.</param>
    /// <param name="what">What is pruned, for messages ("channel pruning of resnet20").</param>
    public static T Search<T>(Func<double, T> planAt, Func<T, double> keptFraction, PruneTarget target, double tolerance, string what)
    {
        var most = planAt(1.0);
        double floor = keptFraction(most);
        if (floor > target.Value + tolerance)
            throw new TargetUnreachableException(string.Create(CultureInfo.InvariantCulture,
                $"{target.OptionName} {target.Value:G4} cannot be reached: {what} keeps at least {floor:P1} of the {Noun(target)} (every group cut to its minimum)"));
        T best = most;
        double bestGap = Math.Abs(floor - target.Value);
        double lo = 0, hi = 1;
        for (int i = 0; i < Iterations && bestGap > 0; i++)
        {
            double mid = 0.5 * (lo + hi);
            var plan = planAt(mid);
            double kept = keptFraction(plan);
            double gap = Math.Abs(kept - target.Value);
            if (gap < bestGap) (best, bestGap) = (plan, gap);
            if (kept > target.Value) lo = mid; else hi = mid;
        }
        return best;
    }

    public static string Noun(PruneTarget target) => target.Kind == PruneTargetKind.Flops ? "FLOPs" : "parameters";
}
