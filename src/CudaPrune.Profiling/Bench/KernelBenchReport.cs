using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CudaPrune.Profiling.Bench;

/// <summary>A <c>bench kernels</c> run: its environment and results, written as Markdown, JSON and CSV.</summary>
public sealed record KernelBenchReport(KernelBenchEnvironment Environment, IReadOnlyList<KernelBenchResult> Results)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public bool AllValid => Results.All(r => r.Valid);

    /// <summary>
    /// Writes the three files and returns their paths. <paramref name="output"/> is a file name (its
    /// extension, if .md/.json/.csv, is replaced for each) or a folder, which gets kernels-DEVICE-DATE.*.
    /// </summary>
    public IReadOnlyList<string> Save(string output)
    {
        string basePath = Path.GetExtension(output) is ".md" or ".json" or ".csv"
            ? Path.ChangeExtension(output, null)
            : Path.Combine(output, $"kernels-{Slug(Environment.Device)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(basePath))!);
        var written = new List<string>();
        foreach (var (extension, text) in new[] { (".md", ToMarkdown()), (".json", ToJson()), (".csv", ToCsv()) })
        {
            File.WriteAllText(basePath + extension, text);
            written.Add(basePath + extension);
        }
        return written;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToMarkdown()
    {
        var e = Environment;
        var md = new StringBuilder();
        md.AppendLine("# Kernel benchmark").AppendLine();
        if (e.Note.Length > 0) md.AppendLine($"**{e.Note}**").AppendLine();
        md.AppendLine($"- device: {e.Device} (compute {e.ComputeCapability}, {e.Multiprocessors} SMs, {e.ClockMegahertz:F0} MHz, L2 {e.L2CacheBytes / 1048576.0:F0} MiB)");
        md.AppendLine($"- peaks: {e.PeakFp32Teraflops:F1} TFLOP/s FP32, {e.PeakBandwidthGigabytesPerSecond:F0} GB/s");
        md.AppendLine($"- driver {e.Driver}, NVRTC {e.Nvrtc}; {e.Date}");
        md.AppendLine($"- command: `{e.CommandLine}`");
        md.AppendLine($"- timing: median of {e.Runs} runs after {e.WarmupRuns} warm-up runs, each with its own CUDA event pair; warm = back to back, flushed = a {e.FlushBytes / 1048576.0:F0} MiB memset before each run; rates from the warm median");
        if (e.CudnnReferenceFile is not null) md.AppendLine($"- cuDNN reference: {e.CudnnReferenceFile} (vs cuDNN = its warm median / ours, TF32 off)");
        md.AppendLine($"- validation: every case against the CPU reference before and after timing: {(AllValid ? "all passed" : $"{Results.Count(r => !r.Valid)} FAILED")}");
        md.AppendLine();
        md.AppendLine("| kernel | source | shape | warm µs (p10–p90) | flushed µs (p10–p90) | TFLOP/s | GB/s | % peak | vs cuBLAS | vs cuDNN | valid |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in Results)
            md.AppendLine($"| {r.Kernel} | {r.Source} | {r.Shape} | {Spread(r.Warm)} | {Spread(r.Flushed)} | {Number(r.TflopsPerSecond, "F2")} | "
                + $"{Number(r.GigabytesPerSecond, "F0")} | {Percent(r.FractionOfPeak)}{(r.Bound is { } b ? $" {b}" : "")} | {Percent(r.VsCublas)} | "
                + $"{Percent(r.VsCudnn)} | {(r.Valid ? "yes" : $"NO: {r.Note}")} |");
        return md.ToString();
    }

    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendLine("family,op,version,kernel,source,batch,shape,shape_key,flops,bytes,warm_median_ms,warm_p10_ms,warm_p90_ms,warm_min_ms,"
            + "flushed_median_ms,flushed_p10_ms,flushed_p90_ms,flushed_min_ms,tflops_per_second,gigabytes_per_second,fraction_of_peak_flops,"
            + "fraction_of_peak_bandwidth,bound,vs_cublas,vs_cudnn,vs_cudnn_tf32,valid,max_abs_error,note");
        foreach (var r in Results)
        {
            var fields = new[]
            {
                r.Family, r.Op, Text(r.Version), r.Kernel, r.Source, Text(r.Batch), r.Shape, r.ShapeKey, Text(r.Flops), Text(r.Bytes),
                Text(r.Warm?.MedianMs), Text(r.Warm?.P10Ms), Text(r.Warm?.P90Ms), Text(r.Warm?.MinMs),
                Text(r.Flushed?.MedianMs), Text(r.Flushed?.P10Ms), Text(r.Flushed?.P90Ms), Text(r.Flushed?.MinMs),
                Text(r.TflopsPerSecond), Text(r.GigabytesPerSecond), Text(r.FractionOfPeakFlops), Text(r.FractionOfPeakBandwidth),
                r.Bound ?? "", Text(r.VsCublas), Text(r.VsCudnn), Text(r.VsCudnnTf32), r.Valid ? "true" : "false", Text(r.MaxAbsError), r.Note ?? "",
            };
            csv.AppendLine(string.Join(",", fields.Select(Quote)));
        }
        return csv.ToString();
    }

    private static string Spread(KernelTimingStats? t) =>
        t is null ? "—" : $"{t.MedianMs * 1e3:F1} ({t.P10Ms * 1e3:F1}–{t.P90Ms * 1e3:F1})";

    private static string Number(double? v, string format) => v is { } x ? x.ToString(format, Invariant) : "—";

    private static string Percent(double? v) => v is { } x ? (100 * x).ToString("F0", Invariant) + " %" : "—";

    private static string Text(double? v) => v is { } x ? x.ToString("R", Invariant) : "";

    private static string Text(int v) => v.ToString(Invariant);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    private static string Slug(string name) =>
        new string([.. name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-')]).Trim('-');
}
