using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Core.Training;

namespace CudaPrune.Profiling.Bench;

/// <summary>Training throughput of one model on the CPU backend: full SGD steps (forward, backward, update) on random images.</summary>
public sealed record CpuTrainingTiming(string Model, int Batch, int Steps, CpuBenchTime StepTime, int Threads)
{
    public double ImagesPerSecond => Batch / StepTime.WallSeconds;

    /// <summary>What an idle machine would give: images per (CPU-second ÷ threads).</summary>
    public double IdleImagesPerSecondEstimate => Batch / (StepTime.CpuSeconds / Threads);

    public string Line() =>
        $"  {Model,-10} batch {Batch}: {ImagesPerSecond,7:F1} images/s (median step {StepTime.WallSeconds * 1e3:F0} ms of {Steps}); idle-machine estimate from CPU time {IdleImagesPerSecondEstimate:F1}";
}

/// <summary>Times whole training steps of zoo models on the CPU backend (the data loader is left out: it is measured apart and is not the bottleneck).</summary>
public static class CpuTrainingBench
{
    public static CpuTrainingTiming Run(string model, int batch = 128, int steps = 5, int threads = 0)
    {
        using var backend = new CpuBackend(threads: threads);
        var spec = ModelZoo.Create(model);
        using var net = ModelBuilder.Build(spec, backend, seed: 1);
        using var opt = new SgdOptimizer(net.NamedParameters().Select(kv => (kv.Key, kv.Value)), 0.01f);
        var rng = new Random(1);
        var images = new float[batch * spec.InputChannels * spec.InputHeight * spec.InputWidth];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(rng.NextDouble() * 2 - 1);
        var labels = Enumerable.Range(0, batch).Select(i => i % spec.NumClasses).ToArray();
        net.Train();
        var time = CpuBenchTimer.Median(() =>
        {
            using var scope = DisposeScope.Begin();
            var x = backend.FromArray(images, [batch, spec.InputChannels, spec.InputHeight, spec.InputWidth]);
            var y = backend.FromArray(labels, [batch]);
            net.ZeroGrad();
            var loss = Ops.CrossEntropy(net.Forward(x), y);
            loss.Backward();
            opt.Step();
        }, steps);
        return new CpuTrainingTiming(model, batch, steps, time, threads > 0 ? threads : Environment.ProcessorCount);
    }
}
