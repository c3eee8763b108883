using CudaPrune.Core.Models;
using CudaPrune.Experiment.Engines;

namespace CudaPrune.Tests.Experiment;

/// <summary>A wall clock that moves only when told (ticks of 1 µs).</summary>
public sealed class ManualClock : TimeProvider
{
    public long Ticks { get; private set; }

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Ticks;

    public void Advance(double seconds) => Ticks += (long)Math.Round(seconds * TimestampFrequency);
}

/// <summary>
/// A runnable that returns scripted times (1, 2, 3... ms unless given), writes its name into a shared call
/// log and moves a manual clock by <paramref name="secondsPerRun"/> per run.
/// </summary>
public sealed class FakeRun(string name, List<string> log, ManualClock? clock = null, double secondsPerRun = 0, Func<int, double>? sample = null) : ILatencyRun
{
    public int Calls { get; private set; }

    public bool Disposed { get; private set; }

    public string Engine => name;

    public int Batch => 1;

    public double Run()
    {
        log.Add(name);
        clock?.Advance(secondsPerRun);
        return sample?.Invoke(Calls++) ?? ++Calls;
    }

    public void Dispose() => Disposed = true;
}

/// <summary>An engine of fake runs, available or not; records what it was asked to prepare.</summary>
public sealed class FakeEngine(string name, List<string> log, string? unavailableBecause = null) : ILatencyEngine
{
    public List<FakeRun> Prepared { get; } = [];

    public string Name => name;

    public EngineAvailability Availability => unavailableBecause is null ? EngineAvailability.Available : EngineAvailability.Unavailable(unavailableBecause);

    public string Description => $"fake engine {name}";

    public ILatencyRun Prepare(Model model, int batch)
    {
        if (unavailableBecause is not null) throw new InvalidOperationException("prepared an unavailable engine");
        var run = new FakeRun(name, log);
        Prepared.Add(run);
        return run;
    }

    public void Dispose() { }
}
