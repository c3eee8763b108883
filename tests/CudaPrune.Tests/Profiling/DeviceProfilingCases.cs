using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Profiling.Latency;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Profiling;

using CudaPrune.Core.Backends.Cuda;

/// <summary>
/// The CUDA-side profiling checks, written once and run on the emulated device (CI) and on a real GPU:
/// a replayed graph computes the eager logits and its memory stays its own; the folded pass computes the
/// same logits with fewer kernels; the CUDA-event profile counts every launch.
/// </summary>
public abstract class DeviceProfilingCases
{
    private CudaBackend? _device;

    private CudaBackend _backend => _device!;

    protected abstract CudaBackend OpenBackend();

    [SetUp] public void Open() => _device = OpenBackend();

    [TearDown] public void Close() => _device?.Dispose(); // null when the device is missing and the test was ignored

    private static float[] Logits(Model model, float[] images, int batch, Func<Tensor, Tensor>? forward = null)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Begin();
        var x = model.Backend.FromArray(images, model.Spec.InputShape.WithBatch(batch));
        return (forward ?? model.Forward)(x).ToArray();
    }

    [Test]
    public void AReplayedGraphGivesTheEagerLogitsAndKeepsItsMemory()
    {
        using var model = PruningFixtures.Model(_backend, "simplecnn"); // max pooling frees its indices during the pass
        const int batch = 2;
        var first = LatencyProfiler.RandomImages(model.Spec, batch, seed: 1);
        var second = LatencyProfiler.RandomImages(model.Spec, batch, seed: 2);
        var eagerFirst = Logits(model, first, batch);
        var eagerSecond = Logits(model, second, batch);

        using var graph = GraphedForward.Capture(model, batch);
        graph.CopyInput(first);
        graph.Replay();
        var replayedFirst = graph.Output.ToArray();
        // Tensors made now get what the caching allocator has free: none of it may be a buffer the graph writes.
        var others = new List<Tensor>();
        using (DisposeScope.Suspend())
            foreach (var shape in new[] { new[] { batch, 64, 32, 32 }, [batch, 64, 32, 32], [batch, 64, 16, 16], [batch, 64, 16, 16], [batch, 128, 16, 16], [batch, 128, 16, 16], [batch, 128, 8, 8], [batch, 128, 8, 8] })
            {
                var t = _backend.Empty(shape);
                _backend.Fill(t, 7f);
                others.Add(t);
            }
        graph.CopyInput(second);
        graph.Replay();
        var replayedSecond = graph.Output.ToArray();
        var untouched = others.All(t => t.ToArray().All(v => v == 7f));
        foreach (var t in others) t.Dispose();

        Assert.That(replayedFirst, Is.EqualTo(eagerFirst).Within(1e-5f));
        Assert.That(replayedSecond, Is.EqualTo(eagerSecond).Within(1e-5f), "the graph reads the new input and no buffer of it was reused");
        Assert.That(untouched, Is.True, "a replay wrote into a tensor made after the capture: a graph buffer went back to the cache");
        Assert.That(graph.ParkedBytes, Is.GreaterThan(0), "the activations freed during the capture are parked, not cached");
    }

    [Test]
    public void FoldedBatchNormsGiveTheSameLogitsWithFewerKernels()
    {
        using var model = PruningFixtures.Model(_backend, "resnet20");
        var images = LatencyProfiler.RandomImages(model.Spec, 1, seed: 3);
        using var folded = FoldedForward.Build(model);
        var eagerOps = new RecordingObserver();
        var foldedOps = new RecordingObserver();

        _backend.Observer = eagerOps;
        var eager = Logits(model, images, 1);
        _backend.Observer = foldedOps;
        var fused = Logits(model, images, 1, folded.Forward);
        _backend.Observer = null;

        Assert.That(PruningFixtures.RelativeDifference(eager, fused), Is.LessThan(1e-4));
        Assert.That(folded.FoldedPairs, Is.EqualTo(1 + 9 * 2 + 2), "the stem, two per block, two projection shortcuts");
        // Each folded pair loses its batch-norm kernel, and the stem and every block's first conv their ReLU.
        Assert.That(foldedOps.Ops, Has.Count.EqualTo(eagerOps.Ops.Count - 21 - 10));
        // The fused conv + bias + ReLU runs the forward kernel with its ReLU epilogue (and, when split, the reduction).
        Assert.That(foldedOps.Ops.Where(o => o.Layer == "layer2.0.conv1").Select(o => o.Kernel), Has.All.StartWith("conv2d_").And.Not.Empty);
        Assert.That(foldedOps.Ops.Select(o => o.Kernel), Has.None.StartWith("batch_norm"));
    }

    [Test]
    public void TheEventProfileCountsEveryLaunchAndTimesTheGraph()
    {
        using var model = PruningFixtures.Model(_backend, "simplecnn");
        var launches = new RecordingObserver();
        _backend.Observer = launches;
        Logits(model, LatencyProfiler.RandomImages(model.Spec, 1, 1), 1);
        _backend.Observer = null;
        var device = ProfilingDevice.For(_backend);
        var profiler = new LatencyProfiler(device, new ProfileOptions { Warmup = 1, Runs = 2, MinSeconds = 0, Graph = true, FlushL2 = true });

        var profile = profiler.Profile([model], 1)[0];
        device.Dispose();

        Assert.That(profile.Kernels.Sum(k => k.Calls), Is.EqualTo(launches.Ops.Count));
        Assert.That(profile.Kernels.Select(k => k.Layer), Is.EqualTo(launches.Ops.Select(o => o.Layer)), "one launch per layer here, in order");
        Assert.That(profile.Kernels.Select(k => k.Microseconds.Median), Has.All.GreaterThan(0));
        Assert.That(profile.KernelQueueing!.Spun, Is.EqualTo(!_backend.Gpu.IsEmulated), "a queued spin on a GPU, none on the emulator");
        Assert.That(profile.KernelQueueing.AllHeld, Is.True, profile.KernelQueueing.Describe());
        Assert.That(profile.KernelQueueing.Runs, Is.EqualTo(2));
        Assert.That(profile.Graph!.Count, Is.EqualTo(2));
        Assert.That(profile.GraphFlushed!.Count, Is.EqualTo(2));
        Assert.That(profile.EndToEndFlushed!.Count, Is.EqualTo(2));
        Assert.That(_backend.Allocator.CurrentBytes, Is.EqualTo(ModelBytes(model)), "every graph and session buffer is given back, the flush buffer too");
    }

    private static long ModelBytes(Model model) =>
        model.StateDict().Values.Sum(t => CachingAllocator.SizeClass(t.Storage.Bytes));
}

/// <summary>The CUDA-side profiling checks through the kernel emulator (CI).</summary>
[Category("Emulated")]
public class EmulatedProfilingTests : DeviceProfilingCases
{
    protected override CudaBackend OpenBackend() => Tests.CudaBackend.EmulatedDevice.OpenBackend();
}

/// <summary>The CUDA-side profiling checks on CUDA device 0; ignored without one.</summary>
[Category("Gpu")]
public class GpuProfilingTests : DeviceProfilingCases
{
    protected override CudaBackend OpenBackend() => new(Cuda.Requirements.Gpu());
}
