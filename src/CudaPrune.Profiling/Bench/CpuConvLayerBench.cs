using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Profiling.Bench;

/// <summary>One conv → BN → ReLU layer's training step: forward and backward times (median), and its count in resnet20.</summary>
public sealed record CpuConvLayerTiming(string Name, Conv2dGeometry Geometry, int CountInResnet20, bool InputGradient,
    CpuBenchTime Forward, CpuBenchTime Backward)
{
    public double ForwardSeconds => Forward.WallSeconds;
    public double BackwardSeconds => Backward.WallSeconds;
    public double StepSeconds => ForwardSeconds + BackwardSeconds;
    public double StepCpuSeconds => Forward.CpuSeconds + Backward.CpuSeconds;

    /// <summary>Convolution flops of the step (forward, weight gradient, input gradient if needed) per second of the whole layer step.</summary>
    public double EffectiveGflops => Geometry.Flops * (InputGradient ? 3.0 : 2.0) / StepSeconds / 1e9;
}

/// <summary>The layer steps of resnet20 and the training throughput they add up to (convolution layers only: the residual adds, pooling, linear and loss are small).</summary>
public sealed record CpuConvLayerBenchResult(IReadOnlyList<CpuConvLayerTiming> Layers, int Batch, int Threads, DateTime Date, double? LoadAverage)
{
    public double Resnet20StepSeconds => Layers.Sum(l => l.CountInResnet20 * l.StepSeconds);

    /// <summary>Images per second a resnet20 training step would reach if its conv/BN/ReLU layers were all it did.</summary>
    public double ProjectedResnet20ImagesPerSecond => Batch / Resnet20StepSeconds;

    /// <summary>The same from CPU time spread over the threads: what an idle machine would show with perfect scaling.</summary>
    public double IdleResnet20ImagesPerSecondEstimate => Batch / (Layers.Sum(l => l.CountInResnet20 * l.StepCpuSeconds) / Threads);

    public IEnumerable<string> Lines()
    {
        yield return $"conv → BN → ReLU layer steps at batch {Batch}, {Threads} threads (median):";
        yield return $"  {"layer",-20} {"count",5} {"forward",9} {"backward",9} {"GFLOP/s",8}   {"CPU time: forward",17} {"backward",9}";
        foreach (var l in Layers)
            yield return $"  {l.Name,-20} {l.CountInResnet20,5} {l.ForwardSeconds * 1e3,7:F1}ms {l.BackwardSeconds * 1e3,7:F1}ms {l.EffectiveGflops,8:F1}   " +
                         $"{l.Forward.CpuSeconds * 1e3,15:F1}ms {l.Backward.CpuSeconds * 1e3,7:F1}ms";
        yield return $"  resnet20 conv layers per batch: {Resnet20StepSeconds * 1e3:F0} ms → ≈ {ProjectedResnet20ImagesPerSecond:F0} images/s (upper bound: adds, pooling, loss and data not counted)";
        yield return $"  from CPU time ÷ {Threads} threads (an idle machine, perfect scaling): ≈ {IdleResnet20ImagesPerSecondEstimate:F0} images/s";
        yield return $"  measured {Date:yyyy-MM-dd HH:mm} UTC{CpuGemmBenchResult.LoadNote(LoadAverage)}";
    }
}

/// <summary>
/// Times the distinct conv → BN → ReLU layers of resnet20 (He et al. 2016, CIFAR) forward and backward on
/// the CPU backend, the way a training step calls them (outputs allocated per call, gradients accumulated).
/// </summary>
public static class CpuConvLayerBench
{
    /// <summary>resnet20's convolutions: name, geometry at batch N, how many, whether the input needs a gradient.</summary>
    public static IEnumerable<(string Name, Conv2dGeometry Geometry, int Count, bool InputGradient)> Resnet20Layers(int batch) =>
    [
        ("conv1 3→16 @32", new Conv2dGeometry(batch, 3, 32, 32, 16, 3, 1, 1), 1, false),
        ("layer1 16→16 @32", new Conv2dGeometry(batch, 16, 32, 32, 16, 3, 1, 1), 6, true),
        ("layer2.0 16→32 /2", new Conv2dGeometry(batch, 16, 32, 32, 32, 3, 2, 1), 1, true),
        ("layer2 32→32 @16", new Conv2dGeometry(batch, 32, 16, 16, 32, 3, 1, 1), 5, true),
        ("layer3.0 32→64 /2", new Conv2dGeometry(batch, 32, 16, 16, 64, 3, 2, 1), 1, true),
        ("layer3 64→64 @8", new Conv2dGeometry(batch, 64, 8, 8, 64, 3, 1, 1), 5, true),
    ];

    public static CpuConvLayerBenchResult Run(int batch = 128, int runs = 3, int threads = 0)
    {
        var backend = new CpuBackend(threads: threads);
        var layers = Resnet20Layers(batch)
            .Select(l => Time(backend, l.Name, l.Geometry, l.Count, l.InputGradient, runs))
            .ToList();
        return new CpuConvLayerBenchResult(layers, batch, backend.Threads, DateTime.UtcNow, CpuBenchTimer.LoadAverage());
    }

    private static CpuConvLayerTiming Time(CpuBackend be, string name, Conv2dGeometry g, int count, bool inputGradient, int runs)
    {
        var random = new Random(2);
        Tensor Random(int[] shape, float scale)
        {
            var data = new float[Shapes.Count(shape)];
            for (int i = 0; i < data.Length; i++) data[i] = scale * (2f * random.NextSingle() - 1f);
            return be.FromArray(data, shape);
        }

        using var x = Random(g.InputShape, 1f);
        using var w = Random(g.WeightShape, 0.1f);
        using var gamma = be.FromArray(Enumerable.Repeat(1f, g.OC).ToArray(), [g.OC]);
        using var beta = be.Zeros([g.OC]);
        using var runningMean = be.Zeros([g.OC]);
        using var runningVar = be.Zeros([g.OC]);
        using var dw = be.Zeros(g.WeightShape);
        using var dgamma = be.Zeros([g.OC]);
        using var dbeta = be.Zeros([g.OC]);
        using var da = Random(g.OutputShape, 1f);

        Tensor? y = null, z = null, a = null, mean = null, invStd = null;
        void Forward()
        {
            DisposeAll(y, z, a, mean, invStd);
            y = be.Conv2dForward(x, w, null, g);
            z = be.BatchNormTrainForward(y, gamma, beta, runningMean, runningVar, 0.1f, 1e-5f, out mean, out invStd);
            a = be.ReluForward(z);
        }
        void Backward()
        {
            using var dz = be.Zeros(g.OutputShape);
            be.ReluBackward(da, a!, dz);
            using var dy = be.Zeros(g.OutputShape);
            be.BatchNormBackward(dz, y!, gamma, mean!, invStd!, dy, dgamma, dbeta);
            be.Conv2dBackwardWeight(dy, x, dw, null, g);
            if (!inputGradient) return;
            using var dx = be.Zeros(g.InputShape);
            be.Conv2dBackwardData(dy, w, dx, g);
        }

        var forward = CpuBenchTimer.Median(Forward, runs);
        var backward = CpuBenchTimer.Median(Backward, runs);
        DisposeAll(y, z, a, mean, invStd);
        return new CpuConvLayerTiming(name, g, count, inputGradient, forward, backward);
    }

    private static void DisposeAll(params Tensor?[] tensors)
    {
        foreach (var t in tensors) t?.Dispose();
    }
}
