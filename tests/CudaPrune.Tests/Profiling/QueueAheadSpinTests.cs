using CudaPrune.Cuda.Runtime;
using CudaPrune.Profiling.Latency;
using CudaPrune.Profiling.Reports;
using CudaPrune.Profiling.Timing;

namespace CudaPrune.Tests.Profiling;

/// <summary>
/// Per-kernel event pairs are queued behind a spin kernel on a GPU, and the spin is checked to have
/// outlasted the host's queueing: a failed check redoes the run behind a longer spin, and the profile
/// reports how its times were taken. The fake GPU's clock moves 1 ms per event and by the spin's cycles;
/// the host clock is a manual one, moved by the "queueing".
/// </summary>
public class QueueAheadSpinTests
{
    /// <summary>A host clock in whole microseconds that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _micros;
        public void Advance(double micros) => _micros += (long)micros;
        public override long TimestampFrequency => 1_000_000;
        public override long GetTimestamp() => _micros;
    }

    private static unsafe void QueueTimedRun(IGpu gpu, ManualClock clock, double hostMicros)
    {
        var a = new KernelArgs();
        gpu.Launch(gpu.GetKernel("fake", "timed"), 1, 32, 0, a.Pointers, a.Widths);
        clock.Advance(hostMicros);
    }

    [Test]
    public void OnAGpuTheSpinIsLaunchedBeforeTheTimedRun()
    {
        var gpu = new FakeEventGpu(emulated: false);
        var clock = new ManualClock();
        using var spin = new QueueAheadSpin(gpu, clock);

        var (result, check) = spin.Run(1000, () => QueueTimedRun(gpu, clock, 300), () => 42);

        Assert.That(gpu.Launched, Is.EqualTo(new[] { "bench_spin_kernel1", "timed" }));
        Assert.That(result, Is.EqualTo(42));
        Assert.That(check.Spun && check.Held, Is.True, check.Describe());
        Assert.That(check.QueueMicroseconds, Is.EqualTo(300));
        Assert.That(check.SpinMicroseconds, Is.EqualTo(2000).Within(1), "1 ms spin + the 1 ms the fake clock moves per event");
        Assert.That(check.Attempts, Is.EqualTo(1));
    }

    [Test]
    public void AFailedCheckRedoesTheRunBehindALongerSpin()
    {
        var gpu = new FakeEventGpu(emulated: false);
        var clock = new ManualClock();
        using var spin = new QueueAheadSpin(gpu, clock);
        int collected = 0;

        var (_, check) = spin.Run(1000, () => QueueTimedRun(gpu, clock, 5000), () => ++collected);

        Assert.That(gpu.Launched, Is.EqualTo(new[] { "bench_spin_kernel1", "timed", "bench_spin_kernel1", "timed" }));
        Assert.That(collected, Is.EqualTo(2));
        Assert.That(check.Attempts, Is.EqualTo(2));
        Assert.That(check.Held, Is.True, check.Describe());
        Assert.That(check.SpinMicroseconds, Is.EqualTo(11_000).Within(1), "twice the 5 ms queueing seen, + 1 ms of events");
    }

    [Test]
    public void ASpinThatNeverHoldsIsReportedAsNotHeld()
    {
        var gpu = new FakeEventGpu(emulated: false);
        var clock = new ManualClock();
        using var spin = new QueueAheadSpin(gpu, clock);

        var (_, check) = spin.Run(1000, () => QueueTimedRun(gpu, clock, 10 * QueueAheadSpin.MaxMicroseconds), () => 0);

        Assert.That(check.Held, Is.False);
        Assert.That(check.Attempts, Is.LessThanOrEqualTo(QueueAheadSpin.MaxAttempts));
        Assert.That(check.Describe(), Does.Contain("NOT held"));
    }

    [Test]
    public void TheEmulatorRunsOnceWithoutASpin()
    {
        var gpu = new FakeEventGpu(emulated: true);
        var clock = new ManualClock();
        using var spin = new QueueAheadSpin(gpu, clock);

        var (_, check) = spin.Run(1000, () => QueueTimedRun(gpu, clock, 5000), () => 0);

        Assert.That(gpu.Launched, Is.EqualTo(new[] { "timed" }));
        Assert.That(check, Is.EqualTo(SpinCheck.NotSpun));
        Assert.That(gpu.EventsCreated, Is.Zero);
    }

    [Test]
    public void TheProfileReportsHowItsKernelTimesWereTaken()
    {
        var held = new SpinCheck(true, 2000, 300, true, 1);
        var redone = new SpinCheck(true, 11_000, 5000, true, 2);
        var summary = SpinSummary.Of([held, redone]);
        var stats = SampleStats.Of([100.0]);
        var batch = new BatchProfile(1, stats, null, null, null, [], null, stats, summary, null);

        var json = ProfileJson.ToNode(batch)["kernel_timing"]!;
        Assert.That((bool)json["all_held"]!, Is.True);
        Assert.That((int)json["retries"]!, Is.EqualTo(1));
        Assert.That((double)json["spin_median_us"]!, Is.EqualTo(6500));
        Assert.That(ProfileText.Batch(batch, graphAsked: false, graphSupported: true),
            Does.Contain("behind a 6500 µs spin").And.Contain("2 of 2 runs").And.Contain("1 redone"));
        Assert.That(SpinSummary.Of([held, held with { Held = false }]).Describe(), Does.Contain("1 of 2 runs").And.Contain("may include host submission"));
        Assert.That(SpinSummary.Of([SpinCheck.NotSpun]).Describe(), Does.Contain("no spin"));
    }
}
