using CudaPrune.Core.Profiling;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Tests.Profiling;

/// <summary>The per-kernel timers: slots grow during the first run only, launches come back in order with their layer, and CUDA events are recorded around each launch and read after one synchronize.</summary>
public class KernelTimerTests
{
    private static void Launch(KernelTimer timer, string layer, string kernel, double flops = 1, double bytes = 4)
    {
        using var scope = LayerScope.Enter(layer);
        timer.Begin(new OpInfo(kernel, flops, bytes));
        timer.End();
    }

    [Test]
    public void StopwatchTimerReturnsEveryLaunchOfTheRunInOrder()
    {
        using var timer = new StopwatchKernelTimer();
        timer.StartRun();
        Launch(timer, "conv1", "conv2d_forward", 100, 40);
        Launch(timer, "bn1", "batch_norm_eval_forward", 8, 16);

        var run = timer.FinishRun();

        Assert.That(run.Select(t => (t.Layer, t.Kernel, t.Flops, t.Bytes)),
            Is.EqualTo(new[] { ("conv1", "conv2d_forward", 100.0, 40.0), ("bn1", "batch_norm_eval_forward", 8.0, 16.0) }));
        Assert.That(run.Select(t => t.Microseconds), Is.All.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void SlotsGrowInTheFirstRunAndNotAfter()
    {
        using var timer = new StopwatchKernelTimer();
        void Run()
        {
            timer.StartRun();
            for (int i = 0; i < 100; i++) Launch(timer, $"layer{i}", "relu_forward");
            Assert.That(timer.FinishRun(), Has.Count.EqualTo(100));
        }

        Run();
        int capacity = timer.Capacity;
        Run();
        Run();

        Assert.That(capacity, Is.GreaterThanOrEqualTo(100));
        Assert.That(timer.Capacity, Is.EqualTo(capacity));
    }

    [Test]
    public void CudaEventTimerRecordsAPairAroundEachLaunchFromAPoolAndSynchronizesOncePerRun()
    {
        using var gpu = new FakeEventGpu();
        using var timer = new CudaEventKernelTimer(gpu);
        timer.StartRun();
        Launch(timer, "conv1", "conv2d_forward_kernel2");
        Launch(timer, "relu", "relu_forward_kernel2");
        var first = timer.FinishRun();
        int eventsAfterWarmup = gpu.EventsCreated;

        timer.StartRun();
        gpu.Advance(5);
        Launch(timer, "conv1", "conv2d_forward_kernel2");
        gpu.Advance(7);
        Launch(timer, "relu", "relu_forward_kernel2");
        int syncsBefore = gpu.Synchronizations;
        var second = timer.FinishRun();

        Assert.That(gpu.EventsCreated, Is.EqualTo(eventsAfterWarmup), "measured runs create no event");
        Assert.That(eventsAfterWarmup, Is.EqualTo(2 * timer.Capacity));
        Assert.That(gpu.Synchronizations - syncsBefore, Is.EqualTo(1));
        Assert.That(gpu.Records, Is.EqualTo(8), "two records per launch");
        // The fake device's clock advances 1 ms per record: each launch spans exactly one tick.
        Assert.That(first.Select(t => t.Microseconds), Is.All.EqualTo(1000).Within(1e-6));
        Assert.That(second.Select(t => t.Layer), Is.EqualTo(new[] { "conv1", "relu" }));
        Assert.That(second.Select(t => t.Microseconds), Is.All.EqualTo(1000).Within(1e-6));
    }

    [Test]
    public void CudaEventIntervalTimerReadsTheDeviceTimeBetweenItsEvents()
    {
        using var gpu = new FakeEventGpu();
        using var timer = new CudaEventIntervalTimer(gpu);

        timer.Start();
        gpu.Advance(41);
        timer.Stop();

        Assert.That(timer.ElapsedMicroseconds(), Is.EqualTo(42_000).Within(1e-6), "41 ms of work plus the 1 ms tick of the record itself");
    }
}
