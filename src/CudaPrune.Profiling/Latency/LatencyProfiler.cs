using CudaPrune.Core.Autograd;
using CudaPrune.Core.Models;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// Measures inference latency on a backend (eval mode, no grad, seeded random images): whole forward
/// passes timed without per-kernel timers, then passes with a timer around every kernel attributed to
/// (layer, kernel), then CUDA graph replays; each warm and, when asked, with the cache flushed before
/// every run. Medians with their spread over many runs, never a single run.
/// </summary>
/// <remarks>
/// Several models are measured interleaved — one run of each in turn, round after round — so that a
/// drift of the machine (other processes, clocks, temperature) touches every model alike rather than
/// whichever happened to be measured during it.
/// </remarks>
public sealed class LatencyProfiler(ProfilingDevice device, ProfileOptions options)
{
    private readonly ProfileOptions _options = options.Validated();

    public CancellationToken Cancel { get; init; }

    /// <summary>Profiles one model at every batch size.</summary>
    public ModelProfile Profile(Model model, IReadOnlyList<int> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("give at least one batch size");
        var rows = batches.Select(b => Profile([model], b)[0]).ToList();
        return new ModelProfile(model.Spec.Name, device.Description, device.Peaks, _options.FoldBatchNorm, _options, rows);
    }

    /// <summary>Profiles several models (on the same backend) at one batch size, their runs interleaved.</summary>
    public IReadOnlyList<BatchProfile> Profile(IReadOnlyList<Model> models, int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch size must be at least 1");
        if (models.Count == 0) throw new ArgumentException("give at least one model");
        var training = models.Select(m => m.IsTraining).ToList();
        var sessions = new List<ProfileSession>();
        try
        {
            foreach (var m in models) m.Eval();
            using var noGrad = GradMode.NoGrad();
            foreach (var m in models) sessions.Add(new ProfileSession(m, batch, device, _options.Seed, _options.FoldBatchNorm));

            var eager = Interleave(sessions, (s, _) => s.Eager(), flush: false);
            var eagerFlushed = _options.FlushL2 ? Interleave(sessions, (s, _) => s.Eager(), flush: true) : null;
            if (_options.Kernels)
            {
                Interleave(sessions, (s, measured) => s.TimeKernels(measured ? s.Kernels : null), flush: false);
                if (_options.FlushL2) Interleave(sessions, (s, measured) => s.TimeKernels(measured ? s.KernelsFlushed : null), flush: true);
            }
            List<SampleStats>? graph = null, graphFlushed = null;
            if (_options.Graph && device.SupportsGraphs)
            {
                foreach (var s in sessions) s.CaptureGraph();
                graph = Interleave(sessions, (s, _) => s.Replay(), flush: false);
                if (_options.FlushL2) graphFlushed = Interleave(sessions, (s, _) => s.Replay(), flush: true);
            }
            return sessions.Select((s, i) => new BatchProfile(batch, eager[i], eagerFlushed?[i], graph?[i], graphFlushed?[i],
                _options.Kernels ? s.Kernels.Rows(device.Peaks) : [],
                _options.Kernels && _options.FlushL2 ? s.KernelsFlushed.Rows(device.Peaks) : null,
                _options.Kernels ? s.Kernels.Sum() : null,
                _options.Kernels ? s.Kernels.Queueing : null,
                _options.Kernels && _options.FlushL2 ? s.KernelsFlushed.Queueing : null)).ToList();
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
            for (int i = 0; i < models.Count; i++)
                if (training[i]) models[i].Train();
        }
    }

    /// <summary>
    /// Warm-up runs, then measured runs, one per session in turn (each after a cache flush when asked),
    /// until every session has at least <see cref="ProfileOptions.Runs"/> adding up to
    /// <see cref="ProfileOptions.MinSeconds"/>, or <see cref="ProfileOptions.MaxRuns"/>. The run's second
    /// argument says whether it is measured (false during warm-up).
    /// </summary>
    private List<SampleStats> Interleave(IReadOnlyList<ProfileSession> sessions, Func<ProfileSession, bool, double> run, bool flush)
    {
        for (int i = 0; i < _options.Warmup; i++)
            foreach (var s in sessions) Once(s, measured: false);
        var samples = sessions.Select(_ => new List<double>()).ToList();
        var totals = new double[sessions.Count];
        double minimum = _options.MinSeconds * 1e6;
        for (bool more = true; more;)
        {
            more = false;
            for (int i = 0; i < sessions.Count; i++)
            {
                int n = samples[i].Count;
                if (n >= _options.MaxRuns || n >= _options.Runs && totals[i] >= minimum) continue;
                double us = Once(sessions[i], measured: true);
                samples[i].Add(us);
                totals[i] += us;
                more = true;
            }
        }
        return samples.Select(SampleStats.Of).ToList();

        double Once(ProfileSession s, bool measured)
        {
            Cancel.ThrowIfCancellationRequested();
            if (flush) device.FlushCache();
            return run(s, measured);
        }
    }

    /// <summary>Seeded standard-normal images [batch, C, H, W] (the values do not change the work).</summary>
    public static float[] RandomImages(ModelSpec spec, int batch, int seed)
    {
        var rng = Core.SeededRandom.ForName(seed, "profile-input");
        var images = new float[spec.InputShape.Count * batch];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextNormal();
        return images;
    }
}
