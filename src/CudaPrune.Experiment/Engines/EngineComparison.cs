namespace CudaPrune.Experiment.Engines;

/// <summary>
/// Times the same models in several engines at one batch size, all runs interleaved in one rotation
/// (<see cref="InterleavedLatency"/>), so every engine's numbers come from the same stretch of machine load.
/// </summary>
public static class EngineComparison
{
    /// <summary>
    /// Prepares every (available engine, model) pair, measures them interleaved and disposes them. An
    /// unavailable engine is skipped with its reason, never thrown; a failure to prepare an available one is thrown.
    /// </summary>
    public static EngineLatencies Measure(IReadOnlyList<ILatencyEngine> engines, IReadOnlyList<LatencySubject> subjects, int batch, InterleavedLatency timer)
    {
        if (subjects.Count == 0) throw new ArgumentException("give at least one model", nameof(subjects));
        var skipped = new List<SkippedEngine>();
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new List<ILatencyRun>();
        var labels = new List<string>();
        try
        {
            foreach (var engine in engines)
            {
                descriptions[engine.Name] = engine.Description;
                var availability = engine.Availability;
                if (!availability.IsAvailable)
                {
                    skipped.Add(new SkippedEngine(engine.Name, availability.Reason ?? "not available"));
                    continue;
                }
                foreach (var subject in subjects)
                {
                    runs.Add(engine.Prepare(subject.Model, batch));
                    labels.Add(subject.Label);
                }
            }
            var rows = new List<EngineModelLatency>();
            if (runs.Count > 0)
            {
                var measured = timer.Measure(runs);
                for (int i = 0; i < runs.Count; i++) rows.Add(new EngineModelLatency(runs[i].Engine, labels[i], measured[i]));
            }
            return new EngineLatencies(batch, rows, skipped, descriptions);
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
    }
}
