using CudaPrune.Profiling.Latency;

namespace CudaPrune.Profiling.Reports;

/// <summary>Profiles as CSV: one row per measurement (end-to-end, graph, kernel sum) and per (layer, kernel), warm and flushed.</summary>
public static class ProfileCsv
{
    private static readonly string[] Header =
    [
        "model", "batch", "cache", "kind", "layer", "kernel", "calls", "runs", "median_us", "p10_us", "p90_us", "min_us",
        "flops", "bytes", "gflops_per_s", "gb_per_s", "fraction_of_peak", "bound",
    ];

    public static string Write(IEnumerable<(string Label, ModelProfile Profile)> profiles)
    {
        var csv = new Csv(Header);
        foreach (var (label, p) in profiles)
            foreach (var b in p.Batches)
            {
                Measurement(csv, label, b.Batch, "warm", "end_to_end", b.EndToEnd);
                Measurement(csv, label, b.Batch, "flushed", "end_to_end", b.EndToEndFlushed);
                Measurement(csv, label, b.Batch, "warm", "graph", b.Graph);
                Measurement(csv, label, b.Batch, "flushed", "graph", b.GraphFlushed);
                Measurement(csv, label, b.Batch, "warm", "kernel_sum", b.KernelSum);
                Kernels(csv, label, b.Batch, "warm", b.Kernels);
                if (b.KernelsFlushed is not null) Kernels(csv, label, b.Batch, "flushed", b.KernelsFlushed);
            }
        return csv.ToString();
    }

    private static void Measurement(Csv csv, string label, int batch, string cache, string kind, SampleStats? s)
    {
        if (s is null) return;
        csv.Row(label, batch, cache, kind, "", "", null, s.Count, s.Median, s.P10, s.P90, s.Min, null, null, null, null, null, "");
    }

    private static void Kernels(Csv csv, string label, int batch, string cache, IReadOnlyList<KernelProfileRow> rows)
    {
        foreach (var r in rows)
            csv.Row(label, batch, cache, "kernel", r.Layer, r.Kernel, r.Calls, r.Microseconds.Count, r.Microseconds.Median, r.Microseconds.P10,
                r.Microseconds.P90, r.Microseconds.Min, r.Flops, r.Bytes, r.GflopsPerSecond, r.GigabytesPerSecond, r.FractionOfPeak, Units.Bound(r.Bound));
    }
}
