using System.Globalization;

namespace CudaPrune.Profiling.Timing;

/// <summary>
/// How the measured per-kernel runs of a profile were queued, over all of them: behind a spin or not,
/// the median spin and host queueing times, the longest queueing, and in how many runs the spin held.
/// </summary>
/// <param name="Spun">False on the emulator and the CPU (no spin); the other fields are then 0.</param>
/// <param name="Retries">Runs redone behind a longer spin because the check failed.</param>
public sealed record SpinSummary(bool Spun, double SpinMedianMicroseconds, double QueueMedianMicroseconds, double QueueMaxMicroseconds, int HeldRuns, int Runs, int Retries)
{
    /// <summary>True when no spin was used or every measured run's spin outlasted its queueing.</summary>
    public bool AllHeld => !Spun || HeldRuns == Runs;

    /// <summary>The summary of <paramref name="checks"/> (one per measured run).</summary>
    public static SpinSummary Of(IReadOnlyList<SpinCheck> checks)
    {
        var spun = checks.Where(c => c.Spun).ToList();
        if (spun.Count == 0) return new SpinSummary(false, 0, 0, 0, 0, checks.Count, 0);
        return new SpinSummary(true, Median(spun.Select(c => c.SpinMicroseconds)), Median(spun.Select(c => c.QueueMicroseconds)),
            spun.Max(c => c.QueueMicroseconds), spun.Count(c => c.Held), spun.Count, spun.Sum(c => c.Attempts - 1));
    }

    /// <summary>One line for reports.</summary>
    public string Describe() => !Spun
        ? "per-kernel times: no spin ahead of them (the emulator runs each launch as it is queued, the CPU times with a stopwatch)"
        : string.Create(CultureInfo.InvariantCulture,
            $"per-kernel times: event pairs behind a {SpinMedianMicroseconds:0} µs spin (median); host queueing {QueueMedianMicroseconds:0} µs median, {QueueMaxMicroseconds:0} max; the spin outlasted the queueing in {HeldRuns} of {Runs} runs{(Retries > 0 ? $" ({Retries} redone behind a longer spin)" : "")}{(AllHeld ? "" : ": in the others some kernel times may include host submission")}");

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
