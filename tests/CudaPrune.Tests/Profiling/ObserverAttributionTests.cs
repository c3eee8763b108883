using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Profiling.Latency;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Profiling;

/// <summary>The CPU backend reports every op of a forward pass under the module that ran it, with its FLOPs; the profiler counts the same launches.</summary>
public class ObserverAttributionTests
{
    private static List<(string Layer, string Kernel, double Flops, double Bytes)> Record(Model model, int batch)
    {
        var observer = new RecordingObserver();
        model.Backend.Observer = observer;
        try
        {
            using var noGrad = GradMode.NoGrad();
            using var scope = DisposeScope.Begin();
            model.Forward(model.Backend.Zeros(model.Spec.InputShape.WithBatch(batch)));
        }
        finally
        {
            model.Backend.Observer = null;
        }
        return observer.Ops;
    }

    [Test]
    public void EverySimpleCnnOpLandsUnderItsLayerWithTheFlopsOfTheSpec()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");

        var ops = Record(model, batch: 2);

        Assert.That(ops.Select(o => (o.Layer, o.Kernel)), Is.EqualTo(new[]
        {
            ("conv1", "conv2d_forward"), ("relu1", "relu_forward"), ("pool1", "max_pool2d_forward"),
            ("conv2", "conv2d_forward"), ("relu2", "relu_forward"), ("pool2", "max_pool2d_forward"),
            ("fc", "linear_forward"), // flatten is a view: no op
        }));
        // ModelStats counts the same work per image, from the spec alone.
        var stats = ModelStats.Compute(model.Spec).Layers.ToDictionary(l => l.Name);
        foreach (var (layer, _, flops, bytes) in ops)
        {
            Assert.That(flops, Is.EqualTo(2.0 * stats[layer].Flops), layer);
            Assert.That(bytes, Is.GreaterThan(0), layer);
        }
    }

    [Test]
    public void ResidualBlocksOwnTheirAddAndReluAndThePartsOwnTheirKernels()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "resnet20");

        var ops = Record(model, batch: 1);

        // conv1, bn1, relu; 9 blocks of conv, bn, conv, bn, add, 2 ReLUs; 2 projection shortcuts of conv + bn; avgpool, linear.
        Assert.That(ops, Has.Count.EqualTo(3 + 9 * 7 + 2 * 2 + 2));
        var byLayer = ops.GroupBy(o => o.Layer).ToDictionary(g => g.Key, g => g.Select(o => o.Kernel).ToList());
        Assert.That(byLayer["layer2.1"], Is.EquivalentTo(new[] { "relu_forward", "add", "relu_forward" }));
        Assert.That(byLayer["layer2.0.shortcut.0"], Is.EqualTo(new[] { "conv2d_forward" }));
        Assert.That(byLayer["layer2.0.shortcut.1"], Is.EqualTo(new[] { "batch_norm_eval_forward" }));
        Assert.That(byLayer["layer3.2.conv2"], Is.EqualTo(new[] { "conv2d_forward" }));
        Assert.That(byLayer["avgpool"], Is.EqualTo(new[] { "global_avg_pool_forward" }));
        Assert.That(ops.Select(o => o.Layer), Has.None.Empty, "no op runs outside a module");
    }

    [Test]
    public void TheProfilerCountsEveryLaunchOncePerPass()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "resnet20");
        var launches = Record(model, batch: 1);
        using var device = ProfilingDevice.For(cpu);
        var profiler = new LatencyProfiler(device, new ProfileOptions { Warmup = 1, Runs = 3, MinSeconds = 0 });

        var profile = profiler.Profile([model], 1)[0];

        Assert.That(profile.Kernels.Sum(k => k.Calls), Is.EqualTo(launches.Count));
        var expected = launches.GroupBy(o => (o.Layer, o.Kernel)).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(profile.Kernels.ToDictionary(k => (k.Layer, k.Kernel), k => k.Calls), Is.EquivalentTo(expected));
        Assert.That(profile.Kernels.Select(k => k.Microseconds.Count), Is.All.EqualTo(3));
        Assert.That(profile.EndToEnd.Count, Is.GreaterThanOrEqualTo(3));
        Assert.That(profile.KernelSum!.Median, Is.EqualTo(profile.Kernels.Sum(k => k.Microseconds.Median)).Within(50).Percent,
            "the per-run sum of kernel times is close to the sum of their medians");
        Assert.That(model.Backend.Observer, Is.Null, "the profiler takes its observer away again");
        Assert.That(model.IsTraining, Is.False, "an eval-mode model stays in eval mode");
    }

    [Test]
    public void MeasuredRunsGoOnUntilTheMinimumTimeIsReached()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");
        using var device = ProfilingDevice.For(cpu);
        var profiler = new LatencyProfiler(device, new ProfileOptions { Warmup = 1, Runs = 2, MinSeconds = 0.05, MaxRuns = 1000, Kernels = false });

        var profile = profiler.Profile([model], 1)[0];

        Assert.That(profile.EndToEnd.Count * profile.EndToEnd.Mean, Is.GreaterThanOrEqualTo(0.05e6));
        Assert.That(profile.Kernels, Is.Empty);
        Assert.That(profile.KernelSum, Is.Null);
    }

    [Test]
    public void TheCpuHasNoGraphsAndAFlushBiggerThanItsCache()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");
        using var device = ProfilingDevice.For(cpu);
        var profiler = new LatencyProfiler(device, new ProfileOptions { Warmup = 1, Runs = 2, MinSeconds = 0, Graph = true, FlushL2 = true });

        var profile = profiler.Profile([model], 1)[0];

        Assert.That(device.SupportsGraphs, Is.False);
        Assert.That(profile.Graph, Is.Null);
        Assert.That(profile.EndToEndFlushed!.Count, Is.EqualTo(2));
        Assert.That(profile.KernelsFlushed, Has.Count.EqualTo(profile.Kernels.Count));
        Assert.That(device.FlushBytes, Is.GreaterThanOrEqualTo(64L << 20));
    }
}
