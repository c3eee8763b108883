using System.Diagnostics;

namespace CudaPrune.Profiling.Bench;

/// <summary>Runs an action once to warm up (JIT, scratch buffers), then times it several times; the median resists noise from other processes.</summary>
internal static class CpuBenchTimer
{
    public static double MedianSeconds(Action action, int runs)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "at least one timed run is needed");
        action();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    }
}
