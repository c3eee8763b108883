using System.Text;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Profiling.Reports;

/// <summary>The console report of <c>cudaprune profile</c>: per batch size, the end-to-end latency, the graph replay, and the (layer, kernel) table.</summary>
public static class ProfileText
{
    public static string Header(ModelProfile p, string foldNote) =>
        $"{p.Model} on {p.Device}\n" +
        $"peaks: {(p.Peaks.IsKnown ? $"{Units.Number(p.Peaks.FlopsPerSecond / 1e9)} GFLOP/s, {Units.Number(p.Peaks.BytesPerSecond / 1e9)} GB/s, ridge {Units.Number(p.Peaks.RidgePoint, "F2")} FLOP/byte" : "unknown")} ({p.Peaks.Source})\n" +
        $"eval mode, no grad, random images; {foldNote}\n" +
        $"runs: {p.Options.Warmup} warm-up, then at least {p.Options.Runs} and {Units.Number(p.Options.MinSeconds * 1000, "F0")} ms per measurement; times are medians with p10/p90\n";

    public static string Batch(BatchProfile b, bool graphAsked, bool graphSupported)
    {
        var sb = new StringBuilder();
        sb.Append($"batch {b.Batch}: end-to-end {Latency(b.EndToEnd)}, {Units.Number(b.ImagesPerSecond, "N0")} images/s\n");
        if (b.EndToEndFlushed is { } f) sb.Append($"  with L2 flushed: {Latency(f)}\n");
        if (b.Graph is { } g)
            sb.Append($"  CUDA graph: {Latency(g)}, {Units.Number(b.GraphImagesPerSecond ?? double.NaN, "N0")} images/s ({Units.Number(b.EndToEnd.Median / g.Median, "F2")}x the eager pass)\n");
        if (b.GraphFlushed is { } gf) sb.Append($"  CUDA graph with L2 flushed: {Latency(gf)}\n");
        if (graphAsked && !graphSupported) sb.Append("  CUDA graph: not available on this device\n");
        if (b.KernelSum is { } sum)
            sb.Append($"  sum of kernel times {Units.Micros(sum.Median)} µs; end-to-end minus the sum: {Units.Micros(b.LaunchGap ?? double.NaN)} µs (launch overhead and host work between launches)\n");
        if (b.KernelQueueing is { } q) sb.Append($"  {q.Describe()}\n");
        if (b.KernelQueueingFlushed is { } qf && qf.Spun) sb.Append($"  with L2 flushed, {qf.Describe()}\n");
        if (b.Kernels.Count > 0) sb.Append(KernelTable(b.Kernels, b.KernelsFlushed).Render("  "));
        return sb.ToString();
    }

    /// <summary>The (layer, kernel) rows: calls per pass, median and p90 of their time per pass, share of the kernels' total, achieved rates and bound.</summary>
    public static TextTable KernelTable(IReadOnlyList<KernelProfileRow> rows, IReadOnlyList<KernelProfileRow>? flushed)
    {
        var headers = new List<string> { "layer", "kernel", "calls", "median µs", "p90 µs", "% total", "GFLOP/s", "GB/s", "% peak", "bound" };
        if (flushed is not null) headers.Add("flushed µs");
        var table = new TextTable([.. headers]);
        table.LeftAligned.Add("kernel");
        double total = rows.Sum(r => r.Microseconds.Median);
        foreach (var r in rows)
        {
            var cells = new List<string>
            {
                r.Layer.Length == 0 ? "(model)" : r.Layer, r.Kernel, r.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Units.Micros(r.Microseconds.Median), Units.Micros(r.Microseconds.P90), Units.Percent(total > 0 ? r.Microseconds.Median / total : double.NaN),
                Units.Number(r.GflopsPerSecond), Units.Number(r.GigabytesPerSecond), Units.Percent(r.FractionOfPeak), Units.Bound(r.Bound),
            };
            if (flushed is not null)
                cells.Add(flushed.FirstOrDefault(x => x.Layer == r.Layer && x.Kernel == r.Kernel) is { } fr ? Units.Micros(fr.Microseconds.Median) : "n/a");
            table.Add([.. cells]);
        }
        return table;
    }

    public static string Latency(SampleStats s) =>
        $"{Units.Micros(s.Median)} µs (p10 {Units.Micros(s.P10)}, p90 {Units.Micros(s.P90)}; {s.Count} runs)";
}
