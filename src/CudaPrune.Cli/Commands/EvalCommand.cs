using System.CommandLine;
using System.Globalization;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune eval</c>: test accuracy and loss of a checkpoint.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by train, prune or finetune.", Required = true };
        var batch = new Option<int>("--batch") { Description = "Evaluation batch size.", DefaultValueFactory = _ => 500 };
        var device = DeviceOption.Create();
        var allowNonFinite = NonFiniteOption.Create();
        var data = new DataOptions();
        var json = JsonOption.Create("the model, accuracy and loss");
        var cmd = new Command("eval", "Evaluate a checkpoint on the CIFAR-10 test split: accuracy and mean cross-entropy loss.") { checkpoint, batch, device, allowNonFinite, json };
        data.AddTo(cmd, withSubset: false, withTestSubset: true);
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            using var output = JsonOption.Open(r, json);
            int batchSize = r.GetValue(batch);
            if (batchSize < 1) throw new UsageException($"--batch must be at least 1, got {batchSize}");
            var path = r.GetValue(checkpoint)!;
            var spec = Checkpoint.ReadSpec(path); // fails early, before the data is read, on a bad file
            var source = DataOptions.Locate(r.GetValue(data.Data));
            var test = DataOptions.ReadTest(source, r.GetValue(data.TestSubset));
            using var backend = DeviceOption.Open(r.GetValue(device)!);
            using var model = NonFiniteOption.Load(path, backend, r.GetValue(allowNonFinite));
            var stats = ModelStats.Compute(spec);
            var result = Evaluator.Evaluate(model, test, batchSize);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Name}: {stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"test accuracy {result.Accuracy:P2} ({result.Images:N0} images), loss {result.Loss:F4}, {result.Images / result.Seconds:F0} images/s"));
            if (output.Enabled) output.Write(EvalJson.ToNode(path, stats, backend.Name, source, DataOptions.Label(source), result));
            return 0;
        }));
        return cmd;
    }
}
