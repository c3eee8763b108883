using System.CommandLine;
using System.Text;
using CudaPrune.Core.IO;
using CudaPrune.Profiling.Bench;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune bench cpu</c>: SGEMM GFLOP/s against the machine's peak, conv layer and whole-model training throughput of the CPU backend.</summary>
public static class BenchCpuCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = "Folder for the results (bench-cpu-<date>.md); printed to the console too.",
            DefaultValueFactory = _ => "runs/bench",
        };
        var models = new Option<string>("--models")
        {
            Description = "Comma-separated zoo models whose training steps are timed (batch 128, random images).",
            DefaultValueFactory = _ => "simplecnn,resnet20",
        };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per model (median reported).", DefaultValueFactory = _ => 5 };
        var quick = new Option<bool>("--quick") { Description = "Smaller sizes and fewer runs: proves the path, not the speed." };
        var cmd = new Command("cpu", "CPU backend: SGEMM 1024³ with 1 and all threads vs the peak of one core, resnet20 conv layers, and simplecnn/resnet20 training images/s. Goals: GEMM ≥ 50% of one core's AVX2 peak; resnet20 training ≥ 150 images/s on 2 cores.")
        {
            output, models, steps, quick,
        };
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            int stepCount = r.GetValue(steps);
            if (stepCount < 1) throw new ArgumentException($"--steps must be at least 1, got {stepCount}");
            bool isQuick = r.GetValue(quick);
            var names = r.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var lines = new List<string> { $"# cudaprune bench cpu — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC", "" };
            void Emit(string line) { Console.WriteLine(line); lines.Add(line); }

            var gemm = CpuGemmBench.Run(size: isQuick ? 256 : 1024, runs: isQuick ? 3 : 7, referenceSize: isQuick ? 64 : 192);
            foreach (var l in gemm.Lines()) Emit(l);
            Emit("");
            var conv = CpuConvLayerBench.Run(batch: isQuick ? 8 : 128, runs: isQuick ? 1 : 3);
            foreach (var l in conv.Lines()) Emit(l);
            Emit("");
            Emit("Training steps (forward + backward + SGD), random images:");
            foreach (var m in names)
                Emit(CpuTrainingBench.Run(m, batch: isQuick ? 8 : 128, steps: isQuick ? 1 : stepCount).Line());

            var path = Path.Combine(r.GetValue(output)!, $"bench-cpu-{DateTime.UtcNow:yyyy-MM-dd-HHmm}.md");
            var md = new StringBuilder();
            md.AppendLine(lines[0]).AppendLine().AppendLine("```");
            foreach (var l in lines.Skip(2)) md.AppendLine(l);
            md.AppendLine("```");
            AtomicFile.WriteAllText(path, md.ToString());
            Console.WriteLine($"wrote {path}");
            return 0;
        }));
        return cmd;
    }
}
