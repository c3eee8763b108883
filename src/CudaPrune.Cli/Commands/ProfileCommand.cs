using System.CommandLine;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.IO;
using CudaPrune.Profiling;
using CudaPrune.Profiling.Latency;
using CudaPrune.Profiling.Reports;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune profile</c>: inference latency of a checkpoint per batch size, end to end and per (layer, kernel).</summary>
public static class ProfileCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The model to profile: a .safetensors written by train, prune or finetune.", Required = true };
        var batches = new Option<string>("--batch") { Description = "Comma-separated batch sizes.", DefaultValueFactory = _ => "1,8,32,128,256" };
        var graph = new Option<bool>("--graph") { Description = "Also capture the forward pass as a CUDA graph per batch size and time its replays (CUDA and emulated devices)." };
        var runs = new Option<int>("--runs") { Description = "At least this many measured runs per measurement (more until they add up to 100 ms).", DefaultValueFactory = _ => 30 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured runs before each measurement.", DefaultValueFactory = _ => 5 };
        var flush = new Option<bool>("--flush-l2") { Description = "Also measure with the cache flushed before every run (a write bigger than the GPU's L2, or the CPU's last-level cache)." };
        var fold = new Option<bool>("--fold-bn") { Description = "Fold every batch norm into the convolution before it, and a ReLU after it into the convolution's fused epilogue: one kernel per conv-BN-ReLU (inference only)." };
        var json = JsonOption.Create("the whole profile");
        var csv = new Option<string?>("--csv") { Description = "Write one row per measurement and per (layer, kernel) as CSV to this file." };
        var device = DeviceOption.Create();
        var allowNonFinite = NonFiniteOption.Create();
        var cmd = new Command("profile",
            "Inference latency of a checkpoint (eval mode, no grad, random images): per batch size the end-to-end median with p10/p90 and images/s, "
            + "the CUDA graph replay (--graph), and a table per (layer, kernel) timed with CUDA events (a stopwatch per op on the CPU) with GFLOP/s, GB/s and the bound. "
            + "Batch norms run as their own kernels unless --fold-bn folds them into the convolutions.")
        {
            checkpoint, batches, graph, runs, warmup, flush, fold, json, csv, device, allowNonFinite,
        };
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            using var output = JsonOption.Open(r, json);
            var sizes = CommandRunner.Usage(() => ListOptions.BatchSizes(r.GetValue(batches), "--batch"));
            var options = CommandRunner.Usage(() => new ProfileOptions { Runs = r.GetValue(runs), Warmup = r.GetValue(warmup), FlushL2 = r.GetValue(flush), Graph = r.GetValue(graph), FoldBatchNorm = r.GetValue(fold) }.Validated());
            var csvPath = OutputFileOption.Resolve(r.GetValue(csv), "--csv");
            var path = r.GetValue(checkpoint)!;
            Checkpoint.ReadSpec(path); // a missing or bad file fails here, before a device is opened

            using var backend = DeviceOption.Open(r.GetValue(device)!);
            using var model = NonFiniteOption.Load(path, backend, r.GetValue(allowNonFinite));
            using var profiling = ProfilingDevice.For(backend);
            var profiler = new LatencyProfiler(profiling, options) { Cancel = CommandRunner.Cancellation };
            var batchProfiles = new List<BatchProfile>();
            var header = new ModelProfile(model.Spec.Name, profiling.Description, profiling.Peaks, options.FoldBatchNorm, options, []);
            Console.Write(ProfileText.Header(header, options.FoldBatchNorm
                ? "batch norms folded into the convolutions (conv + BN + ReLU as one fused kernel, timed under the conv's name)"
                : "batch norms not folded (each runs as its own kernel; --fold-bn folds them)"));
            foreach (int batch in sizes)
            {
                var b = profiler.Profile([model], batch)[0];
                batchProfiles.Add(b);
                Console.WriteLine();
                Console.Write(ProfileText.Batch(b, options.Graph, profiling.SupportsGraphs));
            }
            var profile = header with { Batches = batchProfiles };
            if (output.Enabled) output.Write(ProfileJson.ToNode(profile));
            if (csvPath is not null)
            {
                AtomicFile.WriteAllText(csvPath, ProfileCsv.Write([(profile.Model, profile)]));
                Console.WriteLine($"wrote {csvPath}");
            }
            return 0;
        }));
        return cmd;
    }
}
