using System.Text.Json;
using System.Text.Json.Nodes;
using CudaPrune.Profiling.Latency;
using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Reports;

/// <summary>Profiles as JSON (times in µs; non-finite numbers as null).</summary>
public static class ProfileJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject ToNode(ModelProfile p) => new()
    {
        ["model"] = p.Model,
        ["device"] = p.Device,
        ["peaks"] = Peaks(p.Peaks),
        ["folded_batch_norm"] = p.FoldedBatchNorm,
        ["options"] = new JsonObject
        {
            ["warmup"] = p.Options.Warmup,
            ["runs"] = p.Options.Runs,
            ["min_seconds"] = p.Options.MinSeconds,
            ["flush_l2"] = p.Options.FlushL2,
            ["graph"] = p.Options.Graph,
            ["seed"] = p.Options.Seed,
        },
        ["batches"] = new JsonArray([.. p.Batches.Select(b => (JsonNode)ToNode(b))]),
    };

    public static JsonObject Peaks(DevicePeaks peaks) => new()
    {
        ["flops_per_second"] = Finite(peaks.IsKnown ? peaks.FlopsPerSecond : double.NaN),
        ["bytes_per_second"] = Finite(peaks.IsKnown ? peaks.BytesPerSecond : double.NaN),
        ["ridge_flops_per_byte"] = Finite(peaks.RidgePoint),
        ["source"] = peaks.Source,
    };

    public static JsonObject ToNode(BatchProfile b) => new()
    {
        ["batch"] = b.Batch,
        ["end_to_end_us"] = Stats(b.EndToEnd),
        ["end_to_end_flushed_us"] = Stats(b.EndToEndFlushed),
        ["graph_us"] = Stats(b.Graph),
        ["graph_flushed_us"] = Stats(b.GraphFlushed),
        ["images_per_second"] = Finite(b.ImagesPerSecond),
        ["graph_images_per_second"] = Finite(b.GraphImagesPerSecond ?? double.NaN),
        ["kernel_sum_us"] = Stats(b.KernelSum),
        ["launch_gap_us"] = Finite(b.LaunchGap ?? double.NaN),
        ["kernel_timing"] = Queueing(b.KernelQueueing),
        ["kernel_timing_flushed"] = Queueing(b.KernelQueueingFlushed),
        ["kernels"] = Kernels(b.Kernels),
        ["kernels_flushed"] = b.KernelsFlushed is null ? null : Kernels(b.KernelsFlushed),
    };

    // How the per-kernel event pairs were taken (docs/PROFILING.md): behind a checked spin or not.
    private static JsonObject? Queueing(SpinSummary? q) => q is null ? null : new JsonObject
    {
        ["method"] = q.Spun ? "event pairs behind a queued spin kernel" : "no spin (emulator or CPU stopwatch)",
        ["spin_median_us"] = q.Spun ? Finite(q.SpinMedianMicroseconds) : null,
        ["queue_median_us"] = q.Spun ? Finite(q.QueueMedianMicroseconds) : null,
        ["queue_max_us"] = q.Spun ? Finite(q.QueueMaxMicroseconds) : null,
        ["spin_held_runs"] = q.Spun ? q.HeldRuns : null,
        ["runs"] = q.Runs,
        ["retries"] = q.Retries,
        ["all_held"] = q.AllHeld,
    };

    public static JsonObject? Stats(SampleStats? s) => s is null ? null : new JsonObject
    {
        ["median"] = Finite(s.Median),
        ["p10"] = Finite(s.P10),
        ["p90"] = Finite(s.P90),
        ["min"] = Finite(s.Min),
        ["max"] = Finite(s.Max),
        ["mean"] = Finite(s.Mean),
        ["runs"] = s.Count,
    };

    private static JsonArray Kernels(IReadOnlyList<KernelProfileRow> rows) => new([.. rows.Select(r => (JsonNode)new JsonObject
    {
        ["layer"] = r.Layer,
        ["kernel"] = r.Kernel,
        ["calls"] = r.Calls,
        ["us"] = Stats(r.Microseconds),
        ["flops"] = r.Flops,
        ["bytes"] = r.Bytes,
        ["gflops_per_second"] = Finite(r.GflopsPerSecond),
        ["gb_per_second"] = Finite(r.GigabytesPerSecond),
        ["arithmetic_intensity"] = Finite(r.ArithmeticIntensity),
        ["fraction_of_peak"] = Finite(r.FractionOfPeak),
        ["bound"] = Units.Bound(r.Bound),
    })]);

    public static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
