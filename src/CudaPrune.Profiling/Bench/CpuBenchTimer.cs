using System.Diagnostics;

namespace CudaPrune.Profiling.Bench;

/// <summary>Median wall-clock and process CPU seconds of one action.</summary>
/// <remarks>
/// On a machine shared with other processes the wall clock counts the time the cores spent on them;
/// the CPU time does not, so CPU time ÷ threads estimates what an idle machine would show.
/// </remarks>
public readonly record struct CpuBenchTime(double WallSeconds, double CpuSeconds);

/// <summary>Runs an action once to warm up (JIT, scratch buffers, array pool), then times it several times; the median resists noise from other processes.</summary>
internal static class CpuBenchTimer
{
    public static CpuBenchTime Median(Action action, int runs)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "at least one timed run is needed");
        action();
        var walls = new double[runs];
        var cpus = new double[runs];
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            action();
            walls[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            cpus[i] = (process.TotalProcessorTime - cpu0).TotalSeconds;
        }
        return new CpuBenchTime(Median(walls), Median(cpus));
    }

    /// <summary>/proc/loadavg's 1-minute load average (Linux), or null: timings on a busy machine measure the other processes too.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
