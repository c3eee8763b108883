using System.CommandLine;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.IO;
using CudaPrune.Core.Models;
using CudaPrune.Profiling;
using CudaPrune.Profiling.Planning;
using CudaPrune.Profiling.Reports;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune plan</c>: how the conv kernels would launch for every conv layer of a model, per batch size, without a GPU.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "The model to plan: a .safetensors written by train, prune or finetune (only its spec is read). Give this or --model." };
        var model = new Option<string?>("--model") { Description = $"A zoo model to plan, unpruned: {string.Join(", ", ModelZoo.Names)}. Give this or --checkpoint." };
        var batches = new Option<string>("--batch") { Description = "Comma-separated batch sizes, a table each.", DefaultValueFactory = _ => "1,256" };
        var gpu = new Option<string>("--gpu")
        {
            Description = $"The GPU to plan for: a preset ({string.Join(", ", Core.Backends.Cuda.Planning.ConvPlanDevice.Presets.Keys)}; 132 SMs), "
                + $"or '{PlanDevices.Live}' for this machine's first CUDA device (its SM count and clock). The default needs no GPU.",
            DefaultValueFactory = _ => "h100",
        };
        var version = new Option<int>("--version")
        {
            Description = $"Conv kernel version to plan: 2 (generic tiles, the emulator's default) or 3 (per-layer kernels, the GPU's default).",
            DefaultValueFactory = _ => ConvKernels.DefaultVersion,
        };
        var json = new Option<string?>("--json") { Description = "Also write the plan as one JSON document to this file (written whole or not at all)." };
        var cmd = new Command("plan",
            "Plan the inference forward of every conv layer (residual convs and shortcuts included) at each batch size with the launch planner, "
            + "no GPU needed: per launch the kernel, tile, split-K, blocks (and blocks per SM), FLOPs and the useful fraction of the MACs the tiles compute; "
            + "per batch size the model's total useful MAC fraction and the launches over 1 MFLOP with fewer blocks than SMs. "
            + "The numbers are the planner's model (tile padding exact, times estimated), not measurements.")
        {
            checkpoint, model, batches, gpu, version, json,
        };
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            var (checkpointPath, modelName) = (r.GetValue(checkpoint), r.GetValue(model));
            if ((checkpointPath is null) == (modelName is null))
                throw new UsageException("give exactly one of --checkpoint FILE or --model NAME" + (checkpointPath is null ? "" : ", not both"));
            var sizes = CommandRunner.Usage(() => ListOptions.BatchSizes(r.GetValue(batches), "--batch"));
            int v = r.GetValue(version);
            if (v is not (2 or 3)) throw new UsageException($"--version {v}: plan version 2 (generic tiles) or 3 (per-layer kernels); version 1 is untiled");
            var jsonPath = OutputFileOption.Resolve(r.GetValue(json), "--json");
            var spec = checkpointPath is not null ? Checkpoint.ReadSpec(checkpointPath) : CommandRunner.Usage(() => ModelZoo.Create(modelName!));
            var device = CommandRunner.Usage(() => PlanDevices.Named(r.GetValue(gpu)!));

            var plan = ModelLaunchPlan.Build(spec, checkpointPath, device, v, sizes);
            Console.Write(PlanText.Header(plan, v == ConvKernels.DefaultVersion
                ? "per-layer kernels, what a real GPU runs by default"
                : "generic tiles, what the emulator runs by default (--version 3: what a real GPU runs)"));
            foreach (var batch in plan.Batches)
            {
                Console.WriteLine();
                Console.Write(PlanText.Batch(batch, device.Multiprocessors));
            }
            if (jsonPath is not null)
            {
                AtomicFile.WriteAllText(jsonPath, PlanJson.ToNode(plan).ToJsonString(ProfileJson.Indented) + "\n");
                Console.WriteLine($"wrote {jsonPath}");
            }
            return 0;
        }));
        return cmd;
    }
}
