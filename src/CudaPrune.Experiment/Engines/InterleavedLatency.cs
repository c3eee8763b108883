using CudaPrune.Core;

namespace CudaPrune.Experiment.Engines;

/// <summary>
/// Times several runnables (engines × models at one batch size) in rounds: each round runs every runnable
/// once (or <see cref="InterleaveOptions.RunsPerTurn"/> times) in a rotated order, so that a drift of the
/// machine's load — other processes, clocks, temperature — touches every runnable alike instead of whichever
/// was being measured during it.
/// </summary>
/// <remarks>
/// Round r starts at runnable (s + r) mod n, s seeded, and goes on in list order: over n rounds each runnable
/// holds each position once, so none always follows the same neighbour's cache and thread state. Rounds
/// repeat until at least <see cref="InterleaveOptions.MinRounds"/> have been measured and they span
/// <see cref="InterleaveOptions.MinSeconds"/> of wall-clock time (<paramref name="clock"/>), or
/// <see cref="InterleaveOptions.MaxRounds"/>. Nothing is allocated per run but a sample list's growth.
/// </remarks>
/// <param name="clock">The wall clock of the time rule (tests pass a fake one); the system's by default.</param>
public sealed class InterleavedLatency(InterleaveOptions options, TimeProvider? clock = null)
{
    private readonly InterleaveOptions _options = options.Validated();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public CancellationToken Cancel { get; init; }

    public InterleaveOptions Options => _options;

    /// <summary>Warms up, then measures <paramref name="runs"/> in rotated rounds; the results are in the order given.</summary>
    public IReadOnlyList<RunLatency> Measure(IReadOnlyList<ILatencyRun> runs)
    {
        int n = runs.Count;
        if (n == 0) throw new ArgumentException("give at least one runnable", nameof(runs));
        int start = SeededRandom.ForName(_options.Seed, "interleave-order").NextInt(n);
        int round = 0;
        for (int w = 0; w < _options.WarmupRounds; w++, round++)
            RunRound(runs, (start + round) % n, samples: null);

        var samples = new List<double>[n];
        for (int i = 0; i < n; i++) samples[i] = new List<double>(_options.MinRounds * _options.RunsPerTurn);
        long began = _clock.GetTimestamp();
        int measured = 0;
        while (measured < _options.MaxRounds
               && (measured < _options.MinRounds || _clock.GetElapsedTime(began).TotalSeconds < _options.MinSeconds))
        {
            RunRound(runs, (start + round) % n, samples);
            measured++;
            round++;
        }
        var results = new RunLatency[n];
        for (int i = 0; i < n; i++) results[i] = new RunLatency(runs[i].Engine, runs[i].Batch, samples[i], measured);
        return results;
    }

    /// <summary>One round: every runnable's turn, from <paramref name="first"/> on in list order, wrapping around.</summary>
    private void RunRound(IReadOnlyList<ILatencyRun> runs, int first, List<double>[]? samples)
    {
        int n = runs.Count;
        for (int k = 0; k < n; k++)
        {
            int i = (first + k) % n;
            for (int j = 0; j < _options.RunsPerTurn; j++)
            {
                Cancel.ThrowIfCancellationRequested();
                double ms = runs[i].Run();
                samples?[i].Add(ms);
            }
        }
    }
}
