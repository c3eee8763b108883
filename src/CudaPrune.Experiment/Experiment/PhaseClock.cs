using System.Diagnostics;

namespace CudaPrune.Experiment;

/// <summary>Wall-clock and process CPU seconds of one phase of the experiment.</summary>
/// <remarks>On a machine shared with other work, CPU seconds ÷ cores estimates what an idle machine would take.</remarks>
public sealed record PhaseTiming(string Phase, double WallSeconds, double CpuSeconds);

/// <summary>Times the phases of a run.</summary>
public sealed class PhaseClock
{
    private readonly List<PhaseTiming> _phases = [];

    public IReadOnlyList<PhaseTiming> Phases => _phases;

    public T Time<T>(string phase, Func<T> work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            process.Refresh();
            _phases.Add(new PhaseTiming(phase, Stopwatch.GetElapsedTime(start).TotalSeconds, (process.TotalProcessorTime - cpu0).TotalSeconds));
        }
    }

    public void Time(string phase, Action work) => Time(phase, () => { work(); return 0; });
}
