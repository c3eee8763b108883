using CudaPrune.Core.Autograd;
using CudaPrune.Core.Models;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// One model's eager forward pass at one batch size on its fixed seeded input, timed end to end exactly as
/// <see cref="LatencyProfiler"/> times it (eval mode, no grad, the device's interval timer), for callers that
/// schedule the runs themselves (compare's interleaving with another engine).
/// </summary>
public sealed class EndToEndPass : IDisposable
{
    private readonly ProfileSession _session;
    private readonly bool _wasTraining;

    /// <param name="model">A model on <paramref name="device"/>'s backend; in eval mode until this pass is disposed.</param>
    /// <param name="seed">Seed of the input images (<see cref="LatencyProfiler.RandomImages"/>).</param>
    /// <param name="foldBatchNorm">Run with batch norms folded (<see cref="FoldedForward"/>), as <see cref="ProfileOptions.FoldBatchNorm"/>.</param>
    public EndToEndPass(Model model, int batch, ProfilingDevice device, int seed, bool foldBatchNorm = false)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch size must be at least 1");
        _wasTraining = model.IsTraining;
        model.Eval();
        _session = new ProfileSession(model, batch, device, seed, foldBatchNorm);
    }

    public Model Model => _session.Model;

    /// <summary>One forward pass; its time in microseconds (a stopwatch on the CPU, CUDA events on a GPU).</summary>
    public double Run()
    {
        // The grad mode is per thread: entered per pass, so passes may run on whichever thread schedules them.
        using (GradMode.NoGrad()) return _session.Eager();
    }

    public void Dispose()
    {
        _session.Dispose();
        if (_wasTraining) Model.Train();
    }
}
