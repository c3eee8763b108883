using CudaPrune.Core.Models;
using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;
using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// One model being profiled at one batch size: its fixed input, its timers, its per-kernel samples and,
/// once captured, its CUDA graph. Each method runs one pass and returns its time in µs.
/// </summary>
internal sealed class ProfileSession : IDisposable
{
    private const double MinSpinMicroseconds = 1000;

    private readonly ProfilingDevice _device;
    private readonly IntervalTimer _timer;
    private readonly float[] _images;
    private KernelTimer? _kernelTimer;
    private QueueAheadSpin? _spin;
    private double _lastQueueMicroseconds; // host time to queue the last per-kernel timed pass
    private readonly FoldedForward? _folded;
    private GraphedForward? _graph;

    /// <param name="fold">Run the pass with batch norms folded (<see cref="FoldedForward"/>).</param>
    public ProfileSession(Model model, int batch, ProfilingDevice device, int seed, bool fold)
    {
        Model = model;
        _device = device;
        _folded = fold ? FoldedForward.Build(model) : null;
        _images = LatencyProfiler.RandomImages(model.Spec, batch, seed);
        using (DisposeScope.Suspend()) Input = model.Backend.FromArray(_images, model.Spec.InputShape.WithBatch(batch));
        _timer = device.CreateIntervalTimer();
    }

    public Model Model { get; }

    /// <summary>One forward pass of the model, folded or as its modules run it.</summary>
    private Tensor Forward(Tensor x) => _folded is null ? Model.Forward(x) : _folded.Forward(x);

    public Tensor Input { get; }

    public KernelAggregator Kernels { get; } = new();

    public KernelAggregator KernelsFlushed { get; } = new();

    /// <summary>One eager forward pass, timed without per-kernel timers.</summary>
    public double Eager()
    {
        using (DisposeScope.Begin())
        {
            _timer.Start();
            Forward(Input);
            _timer.Stop();
        }
        return _timer.ElapsedMicroseconds();
    }

    /// <summary>
    /// One eager pass with a timer around every kernel; kept in <paramref name="into"/> when given (not during
    /// warm-up). On a GPU the pass is queued behind a checked spin (<see cref="QueueAheadSpin"/>), so that no
    /// kernel's event pair includes the host's submission of it; a failed check redoes the pass.
    /// </summary>
    public double TimeKernels(KernelAggregator? into)
    {
        var timer = _kernelTimer ??= _device.CreateKernelTimer();
        _spin ??= _device.CreateQueueAheadSpin();
        var backend = Model.Backend;
        var previous = backend.Observer;
        backend.Observer = OpObservers.Combine(previous, timer); // a debug launch log stays on, outside the timed region
        IReadOnlyList<LaunchTiming> timings;
        SpinCheck check;
        try
        {
            void Queue()
            {
                timer.StartRun();
                using (DisposeScope.Begin()) Forward(Input);
            }
            if (_spin is null)
            {
                Queue();
                (timings, check) = (timer.FinishRun(), SpinCheck.NotSpun);
            }
            else
            {
                (timings, check) = _spin.Run(NextSpinMicroseconds(timer), Queue, timer.FinishRun);
                if (check.Spun) _lastQueueMicroseconds = check.QueueMicroseconds;
            }
        }
        finally
        {
            backend.Observer = previous;
        }
        into?.Add(timings, check);
        return timings.Sum(t => t.Microseconds);
    }

    // Twice the host queueing time of the run before (it varies little from run to run), at least 1 ms;
    // before any run, a generous 50 µs per launch slot of the warm-up.
    private double NextSpinMicroseconds(KernelTimer timer) =>
        Math.Max(MinSpinMicroseconds, _lastQueueMicroseconds > 0 ? 2 * _lastQueueMicroseconds : 50.0 * Math.Max(timer.Capacity, 64));

    /// <summary>Captures the forward pass as a CUDA graph (once) with this session's images in its input buffer.</summary>
    public void CaptureGraph()
    {
        if (_graph is not null) return;
        _graph = GraphedForward.Capture(Model, Input.Dim(0), _folded is null ? null : _folded.Forward);
        _graph.CopyInput(_images);
    }

    /// <summary>One replay of the captured graph.</summary>
    public double Replay()
    {
        var graph = _graph ?? throw new InvalidOperationException("capture the graph first");
        _timer.Start();
        graph.Replay();
        _timer.Stop();
        return _timer.ElapsedMicroseconds();
    }

    public void Dispose()
    {
        _graph?.Dispose();
        _kernelTimer?.Dispose();
        _spin?.Dispose();
        _timer.Dispose();
        _folded?.Dispose();
        Input.Dispose();
    }
}
