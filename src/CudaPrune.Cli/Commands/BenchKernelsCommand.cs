using System.CommandLine;
using System.Globalization;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using CudaPrune.Profiling.Bench;
using Spectre.Console;

namespace CudaPrune.Cli.Commands;

/// <summary>
/// <c>cudaprune bench kernels</c>: every version of the GEMM and convolution kernels at the shapes of
/// resnet20 and vgg16 (and cuBLAS at the GEMM sizes), validated against the CPU reference before and after
/// timing; a table, and .md/.json/.csv files.
/// </summary>
public static class BenchKernelsCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cuda (device 0) or emulated (proves the path; times mean nothing).", DefaultValueFactory = _ => "cuda" };
        device.AcceptOnlyFromAmong("cuda", "emulated");
        var quick = new Option<bool>("--quick") { Description = "Tiny shapes (GEMM 64 and 128, resnet20's convs at batch 1) and 3 runs: a smoke run, not a measurement." };
        var output = new Option<string>("--out") { Description = "A folder (gets kernels-DEVICE-DATE.md/.json/.csv) or a file name whose extension is replaced by each.", DefaultValueFactory = _ => Path.Combine("bench", "results") };
        var runs = new Option<int?>("--runs") { Description = $"Timed runs per case and mode: default {KernelBenchOptions.MinimumRuns} (3 with --quick), at least {KernelBenchOptions.MinimumRuns} unless --quick." };
        var allTiles = new Option<bool>("--all-tiles") { Description = "Time version 2 of the convolutions at every tile, not only the one the backend picks." };
        var filters = new Option<string[]>("--filter") { Description = "Only cases whose kernel, op, layer or shape contains this text (repeatable).", AllowMultipleArgumentsPerToken = true };
        var models = new Option<string>("--models") { Description = "Comma-separated models whose conv layers are timed.", DefaultValueFactory = _ => "resnet20,vgg16" };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes of the conv layers.", DefaultValueFactory = _ => "1,256" };
        var pytorch = new Option<string?>("--pytorch") { Description = "JSON from bench/pytorch_reference.py conv-layers: adds the ratio to cuDNN." };
        var cmd = new Command("kernels", "Time every GEMM and convolution kernel version at the resnet20/vgg16 layer shapes against cuBLAS, the device's peaks and (with --pytorch) cuDNN.")
        {
            device, quick, output, runs, allTiles, filters, models, batches, pytorch,
        };
        cmd.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            int runCount = parse.GetValue(runs) ?? (isQuick ? KernelBenchOptions.QuickPreset.Runs : KernelBenchOptions.MinimumRuns);
            if (!isQuick && runCount < KernelBenchOptions.MinimumRuns)
            {
                Console.Error.WriteLine($"--runs {runCount}: medians need at least {KernelBenchOptions.MinimumRuns} runs (or use --quick for a smoke run)");
                return 2;
            }
            var options = (isQuick ? KernelBenchOptions.QuickPreset : new KernelBenchOptions
            {
                Models = SplitList(parse.GetValue(models)!),
                Batches = [.. SplitList(parse.GetValue(batches)!).Select(b => int.Parse(b, CultureInfo.InvariantCulture))],
            }) with
            {
                Runs = runCount,
                AllTiles = parse.GetValue(allTiles),
                Filters = parse.GetValue(filters) ?? [],
            };
            return Run(parse.GetValue(device)!, options, parse.GetValue(output)!, parse.GetValue(pytorch));
        });
        return cmd;
    }

    private static int Run(string device, KernelBenchOptions options, string output, string? pytorchPath)
    {
        var reference = pytorchPath is null ? null : KernelPyTorchReference.Load(pytorchPath);
        IGpu gpu;
        if (device == "emulated") gpu = new EmulatedGpu();
        else if (CudaGpu.TryCreate(0, out var cudaGpu, out string reason)) gpu = cudaGpu;
        else
        {
            Console.Error.WriteLine($"--device cuda: {reason} (use --device emulated to try the benchmark path without a GPU)");
            return 2;
        }

        using var backend = new CudaBackend(gpu);
        using var cublas = OpenCublas(gpu);
        using var timer = new BenchLaunchTimer(gpu);
        var environment = KernelBenchEnvironment.Describe(gpu, options, timer.FlushBytes, "cudaprune " + string.Join(' ', System.Environment.GetCommandLineArgs().Skip(1)), pytorchPath);
        if (environment.Note.Length > 0) AnsiConsole.MarkupLineInterpolated($"[yellow]{environment.Note}[/]");
        if (reference is not null && reference.Device != gpu.Name)
            AnsiConsole.MarkupLineInterpolated($"[yellow]the cuDNN reference was measured on {reference.Device}, not on {gpu.Name}: its ratios compare different GPUs[/]");

        var groups = KernelBenchPlan.Build(backend, cublas, options);
        var results = new KernelBenchRunner(backend, timer, options, Console.WriteLine).Run(groups);
        if (reference is not null) results = reference.Apply(results);
        var report = new KernelBenchReport(environment, results);

        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 240); // a log file: no wrapping
        AnsiConsole.Write(Table(report));
        foreach (string path in report.Save(output)) Console.WriteLine($"wrote {path}");
        if (report.AllValid) return 0;
        AnsiConsole.MarkupLineInterpolated($"[red]{results.Count(r => !r.Valid)} case(s) failed validation against the CPU reference[/]");
        return 1;
    }

    // cuBLAS is the GEMM yardstick on a real device; without it the GEMM rows simply have no ratio.
    private static CublasHandle? OpenCublas(IGpu gpu)
    {
        if (gpu is not CudaGpu cuda) return null;
        try
        {
            return new CublasHandle(cuda);
        }
        catch (CudaLibraryNotFoundException e)
        {
            Console.Error.WriteLine($"no cuBLAS ({e.Message}): the GEMM rows will have no cuBLAS ratio");
            return null;
        }
    }

    private static Table Table(KernelBenchReport report)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (string column in new[] { "kernel", "source", "shape", "warm µs", "p10–p90", "flushed µs", "TFLOP/s", "GB/s", "% peak", "vs cuBLAS", "vs cuDNN", "valid" })
            table.AddColumn(column);
        foreach (var r in report.Results)
            table.AddRow(
                Markup.Escape(r.Kernel), Markup.Escape(r.Source), Markup.Escape(r.Shape),
                r.Warm is { } w ? $"{w.MedianMs * 1e3:F1}" : "—", r.Warm is { } s ? $"{s.P10Ms * 1e3:F1}–{s.P90Ms * 1e3:F1}" : "—",
                r.Flushed is { } f ? $"{f.MedianMs * 1e3:F1}" : "—",
                Format(r.TflopsPerSecond, "F2"), Format(r.GigabytesPerSecond, "F0"),
                r.FractionOfPeak is { } p ? $"{100 * p:F0} % {r.Bound}" : "—",
                Format(100 * r.VsCublas, "F0"), Format(100 * r.VsCudnn, "F0"),
                r.Valid ? "[green]yes[/]" : "[red]NO[/]");
        return table;
    }

    private static string Format(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string[] SplitList(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
