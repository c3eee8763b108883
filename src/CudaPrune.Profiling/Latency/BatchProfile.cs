using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Latency;

/// <summary>What profiling measured for one model at one batch size (times in µs).</summary>
/// <param name="Batch">Images per forward pass.</param>
/// <param name="EndToEnd">Whole eager forward passes, warm, timed without per-kernel timers.</param>
/// <param name="EndToEndFlushed">The same with the cache flushed before every run (null unless asked).</param>
/// <param name="Graph">CUDA graph replays of the pass, warm (null without graphs).</param>
/// <param name="GraphFlushed">Graph replays with the cache flushed (null unless both asked).</param>
/// <param name="Kernels">Per (layer, kernel), warm, in launch order (empty unless asked).</param>
/// <param name="KernelsFlushed">Per (layer, kernel) with the cache flushed (null unless asked).</param>
/// <param name="KernelSum">Per run, the sum of every kernel's time (null without kernels).</param>
/// <param name="KernelQueueing">How the per-kernel runs were queued: behind a spin, and whether it outlasted the queueing (null without kernels).</param>
/// <param name="KernelQueueingFlushed">The same for the runs with the cache flushed (null unless asked).</param>
public sealed record BatchProfile(
    int Batch,
    SampleStats EndToEnd,
    SampleStats? EndToEndFlushed,
    SampleStats? Graph,
    SampleStats? GraphFlushed,
    IReadOnlyList<KernelProfileRow> Kernels,
    IReadOnlyList<KernelProfileRow>? KernelsFlushed,
    SampleStats? KernelSum,
    SpinSummary? KernelQueueing = null,
    SpinSummary? KernelQueueingFlushed = null)
{
    /// <summary>Images per second at the median end-to-end latency.</summary>
    public double ImagesPerSecond => Batch / (EndToEnd.Median * 1e-6);

    /// <summary>Images per second at the median graph replay latency (null without graphs).</summary>
    public double? GraphImagesPerSecond => Graph is null ? null : Batch / (Graph.Median * 1e-6);

    /// <summary>
    /// End-to-end median minus the median sum of kernel times: the time the device waits for the host
    /// (launch overhead, the host's bookkeeping between launches). Negative when the per-kernel
    /// timers' own overhead exceeds it. Null without kernels.
    /// </summary>
    public double? LaunchGap => KernelSum is null ? null : EndToEnd.Median - KernelSum.Median;
}
