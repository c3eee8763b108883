using CudaPrune.Core.Autograd;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// Measures a model's inference latency on its backend (eval mode, no grad, random seeded images): whole
/// forward passes timed without per-kernel timers, then the same passes with a timer around every kernel
/// attributed to (layer, kernel), then CUDA graph replays; each warm and, when asked, with the cache
/// flushed before every run. Medians with their spread over many runs, never a single run.
/// </summary>
public sealed class LatencyProfiler(ProfilingDevice device, ProfileOptions options)
{
    private readonly ProfileOptions _options = options.Validated();

    /// <summary>Called with a line of progress ("resnet20 batch 8: end-to-end ...").</summary>
    public Action<string>? Log { get; init; }

    public CancellationToken Cancel { get; init; }

    /// <summary>Profiles <paramref name="model"/> at every batch size.</summary>
    public ModelProfile Profile(Model model, IReadOnlyList<int> batches, bool foldedBatchNorm = false)
    {
        if (batches.Count == 0) throw new ArgumentException("give at least one batch size");
        var rows = batches.Select(b => Profile(model, b)).ToList();
        return new ModelProfile(model.Spec.Name, device.Description, device.Peaks, foldedBatchNorm, _options, rows);
    }

    /// <summary>Profiles <paramref name="model"/> at one batch size.</summary>
    public BatchProfile Profile(Model model, int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch size must be at least 1");
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            var images = RandomImages(model.Spec, batch, _options.Seed);
            Tensor input;
            using (DisposeScope.Suspend()) input = model.Backend.FromArray(images, model.Spec.InputShape.WithBatch(batch));
            using (input)
            using (var timer = device.CreateIntervalTimer())
            {
                double Eager()
                {
                    using (DisposeScope.Begin())
                    {
                        timer.Start();
                        model.Forward(input);
                        timer.Stop();
                    }
                    return timer.ElapsedMicroseconds();
                }

                var warm = Measure(Eager, flush: false);
                var flushed = _options.FlushL2 ? Measure(Eager, flush: true) : null;
                Report(model, batch, "end-to-end", warm, flushed);
                var (kernels, kernelsFlushed, kernelSum) = _options.Kernels ? ProfileKernels(model, input) : ([], null, null);
                var (graph, graphFlushed) = _options.Graph && device.SupportsGraphs ? ProfileGraph(model, batch, images, timer) : (null, null);
                if (graph is not null) Report(model, batch, "graph", graph, graphFlushed);
                return new BatchProfile(batch, warm, flushed, graph, graphFlushed, kernels, kernelsFlushed, kernelSum);
            }
        }
        finally
        {
            if (wasTraining) model.Train();
        }
    }

    private (IReadOnlyList<KernelProfileRow>, IReadOnlyList<KernelProfileRow>?, SampleStats?) ProfileKernels(Model model, Tensor input)
    {
        using var kernelTimer = device.CreateKernelTimer();
        var backend = model.Backend;
        var previous = backend.Observer;
        backend.Observer = kernelTimer;
        try
        {
            IReadOnlyList<LaunchTiming> Run()
            {
                kernelTimer.StartRun();
                using (DisposeScope.Begin()) model.Forward(input);
                return kernelTimer.FinishRun();
            }

            var warm = Collect(Run, flush: false);
            var flushed = _options.FlushL2 ? Collect(Run, flush: true) : null;
            return (warm.Rows(device.Peaks), flushed?.Rows(device.Peaks), warm.Sum());
        }
        finally
        {
            backend.Observer = previous;
        }
    }

    private (SampleStats, SampleStats?) ProfileGraph(Model model, int batch, float[] images, IntervalTimer timer)
    {
        using var graphed = GraphedForward.Capture(model, batch);
        graphed.CopyInput(images);
        double Replay()
        {
            timer.Start();
            graphed.Replay();
            timer.Stop();
            return timer.ElapsedMicroseconds();
        }
        return (Measure(Replay, flush: false), _options.FlushL2 ? Measure(Replay, flush: true) : null);
    }

    private SampleStats Measure(Func<double> run, bool flush) => SampleStats.Of(Repeat(run, us => us, flush));

    private KernelAggregator Collect(Func<IReadOnlyList<LaunchTiming>> run, bool flush)
    {
        var aggregator = new KernelAggregator();
        foreach (var timings in Repeat(run, ts => ts.Sum(t => t.Microseconds), flush)) aggregator.Add(timings);
        return aggregator;
    }

    /// <summary>
    /// Warm-up runs, then measured runs (each after a cache flush when asked) until there are at least
    /// <see cref="ProfileOptions.Runs"/> and they add up to <see cref="ProfileOptions.MinSeconds"/>, at most <see cref="ProfileOptions.MaxRuns"/>.
    /// </summary>
    private List<T> Repeat<T>(Func<T> run, Func<T, double> microseconds, bool flush)
    {
        for (int i = 0; i < _options.Warmup; i++)
        {
            Cancel.ThrowIfCancellationRequested();
            if (flush) device.FlushCache();
            run();
        }
        var results = new List<T>();
        double total = 0, minimum = _options.MinSeconds * 1e6;
        while (results.Count < _options.Runs || total < minimum && results.Count < _options.MaxRuns)
        {
            Cancel.ThrowIfCancellationRequested();
            if (flush) device.FlushCache();
            var result = run();
            results.Add(result);
            total += microseconds(result);
        }
        return results;
    }

    private void Report(Model model, int batch, string what, SampleStats warm, SampleStats? flushed) =>
        Log?.Invoke(FormattableString.Invariant(
            $"{model.Spec.Name} batch {batch}: {what} {warm.Median:F1} µs (p10 {warm.P10:F1}, p90 {warm.P90:F1}, {warm.Count} runs){(flushed is null ? "" : $"; L2 flushed {flushed.Median:F1} µs")}"));

    /// <summary>Seeded standard-normal images [batch, C, H, W] (the values do not change the work).</summary>
    public static float[] RandomImages(ModelSpec spec, int batch, int seed)
    {
        var rng = Core.Nn.SeededRandom.ForName(seed, "profile-input");
        var images = new float[spec.InputShape.Count * batch];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextNormal();
        return images;
    }
}
