using CudaPrune.Experiment.Engines;

namespace CudaPrune.Tests.Experiment;

/// <summary>The interleaving of runnables in rotated rounds, its stopping rules and its statistics, on fake runs and a manual clock.</summary>
public class InterleavedLatencyTests
{
    private static InterleaveOptions Options(int warmup = 0, int rounds = 5, double seconds = 0, int maxRounds = 10_000, int perTurn = 1, int seed = 1) =>
        new() { WarmupRounds = warmup, MinRounds = rounds, MinSeconds = seconds, MaxRounds = maxRounds, RunsPerTurn = perTurn, Seed = seed };

    [Test]
    public void EveryRoundRunsEachOnceAndTheStartRotates()
    {
        var log = new List<string>();
        FakeRun[] runs = [new("a", log), new("b", log), new("c", log)];

        new InterleavedLatency(Options(warmup: 2, rounds: 6), new ManualClock()).Measure(runs);

        Assert.That(log, Has.Count.EqualTo((2 + 6) * 3), "warm-up rounds are interleaved too");
        string[] names = ["a", "b", "c"];
        int previousFirst = -1;
        for (int r = 0; r < 8; r++)
        {
            var round = log.Skip(3 * r).Take(3).ToList();
            Assert.That(round, Is.EquivalentTo(names), $"round {r} runs every runnable once");
            int first = Array.IndexOf(names, round[0]);
            Assert.That(round, Is.EqualTo(new[] { 0, 1, 2 }.Select(k => names[(first + k) % 3])), $"round {r} goes on in list order from its start");
            if (previousFirst >= 0) Assert.That(first, Is.EqualTo((previousFirst + 1) % 3), $"round {r} starts one later than the round before");
            previousFirst = first;
        }
    }

    [Test]
    public void TheStartingPositionIsSeeded()
    {
        List<string> Order(int seed)
        {
            var log = new List<string>();
            new InterleavedLatency(Options(rounds: 1, seed: seed), new ManualClock()).Measure([new FakeRun("a", log), new FakeRun("b", log), new FakeRun("c", log), new FakeRun("d", log)]);
            return log;
        }

        var once = Order(5);
        Assert.That(Order(5), Is.EqualTo(once), "the same seed gives the same order");
        Assert.That(Enumerable.Range(1, 20).Select(s => Order(s)[0]).Distinct().Count(), Is.GreaterThan(1), "different seeds start at different runnables");
    }

    [Test]
    public void SeveralRunsPerTurnStayTogether()
    {
        var log = new List<string>();
        var result = new InterleavedLatency(Options(rounds: 3, perTurn: 2), new ManualClock()).Measure([new FakeRun("a", log), new FakeRun("b", log)]);

        for (int r = 0; r < 3; r++)
            Assert.That(log[4 * r], Is.EqualTo(log[4 * r + 1]).And.Not.EqualTo(log[4 * r + 2]), $"round {r}: a turn is two runs of one runnable");
        Assert.That(result.Select(x => x.SamplesMs.Count), Is.All.EqualTo(6));
        Assert.That(result.Select(x => x.Rounds), Is.All.EqualTo(3));
    }

    [Test]
    public void StatisticsAreThoseOfTheMeasuredSamplesNotTheWarmUp()
    {
        var log = new List<string>();
        // First two calls (warm-up) are slow; then 10, 20, ..., 70 ms for a; b always 5 ms.
        var a = new FakeRun("a", log, sample: i => i < 2 ? 1000 : 10 * (i - 1));
        var b = new FakeRun("b", log, sample: _ => 5);

        var result = new InterleavedLatency(Options(warmup: 2, rounds: 7), new ManualClock()).Measure([a, b]);

        Assert.That(result[0].Engine, Is.EqualTo("a"));
        Assert.That(result[0].SamplesMs, Is.EqualTo(new double[] { 10, 20, 30, 40, 50, 60, 70 }));
        Assert.That(result[0].Stats.Median, Is.EqualTo(40));
        Assert.That(result[0].Stats.P10, Is.EqualTo(16).Within(1e-9), "numpy's linear p10: 10 + 0.6 · 10");
        Assert.That(result[0].Stats.P90, Is.EqualTo(64).Within(1e-9));
        Assert.That(result[0].Stats.Count, Is.EqualTo(7));
        Assert.That(result[1].Stats.Median, Is.EqualTo(5));
    }

    [Test]
    public void MinimumRoundsAreHonouredWhenTheTimeIsAlreadySpent()
    {
        var clock = new ManualClock();
        var log = new List<string>();
        // Each run takes 1 s of wall clock: the 0.5 s rule is met after one round, the round rule is not.
        var result = new InterleavedLatency(Options(rounds: 7, seconds: 0.5), clock).Measure([new FakeRun("a", log, clock, 1.0), new FakeRun("b", log, clock, 1.0)]);

        Assert.That(result.Select(r => r.Rounds), Is.All.EqualTo(7));
        Assert.That(result.Select(r => r.SamplesMs.Count), Is.All.EqualTo(7));
    }

    [Test]
    public void RoundsGoOnUntilTheMinimumTimeHasPassed()
    {
        var clock = new ManualClock();
        var log = new List<string>();
        // Two runs of 0.1 s per round: 1 s takes five rounds.
        var result = new InterleavedLatency(Options(rounds: 2, seconds: 1.0), clock).Measure([new FakeRun("a", log, clock, 0.1), new FakeRun("b", log, clock, 0.1)]);

        Assert.That(result[0].Rounds, Is.EqualTo(5));
    }

    [Test]
    public void TheRoundCapStopsAStoppedClock()
    {
        var log = new List<string>();
        var result = new InterleavedLatency(Options(rounds: 2, seconds: 10, maxRounds: 9), new ManualClock()).Measure([new FakeRun("a", log)]);

        Assert.That(result[0].Rounds, Is.EqualTo(9));
    }

    [Test]
    public void BadOptionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new InterleavedLatency(Options(rounds: 0)));
        Assert.Throws<ArgumentException>(() => new InterleavedLatency(Options(rounds: 5, maxRounds: 4)));
        Assert.Throws<ArgumentException>(() => new InterleavedLatency(Options(perTurn: 0)));
        Assert.Throws<ArgumentException>(() => new InterleavedLatency(Options(seconds: double.NaN)));
        Assert.Throws<ArgumentException>(() => new InterleavedLatency(Options()).Measure([]));
    }

    [Test]
    public void CancellationStopsBetweenRuns()
    {
        using var cancel = new CancellationTokenSource();
        var log = new List<string>();
        var timer = new InterleavedLatency(Options(rounds: 1000), new ManualClock()) { Cancel = cancel.Token };
        var run = new FakeRun("a", log, sample: i => { if (i == 3) cancel.Cancel(); return 1; });

        Assert.Throws<OperationCanceledException>(() => timer.Measure([run]));
        Assert.That(log, Has.Count.EqualTo(4));
    }
}
