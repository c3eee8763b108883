using System.CommandLine;
using CudaPrune.Cli.Options;
using CudaPrune.Cli.Runs;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Training;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune finetune</c>: trains a checkpoint (typically a pruned one) further and writes runs/NAME as train does.</summary>
public static class FinetuneCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The model to fine-tune: a model.safetensors (or any .safetensors) written by prune, train or finetune; its spec comes with it.", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder to write (metrics.csv, metrics.json, model.safetensors), e.g. runs/resnet20-channel-50.", Required = true };
        var device = DeviceOption.Create();
        var allowNonFinite = NonFiniteOption.Create();
        var data = new DataOptions();
        var training = new TrainingOptionSet(defaultEpochs: 10, defaultLearningRate: 0.01f);
        var cmd = new Command("finetune",
            "Fine-tune a checkpoint on CIFAR-10 with SGD (same options as train, lower default learning rate), evaluating on the test split after each epoch. "
            + "metrics.json records the checkpoint it started from and its pruning metadata.") { checkpoint, output, device, allowNonFinite };
        training.AddTo(cmd);
        data.AddTo(cmd, withTestSubset: true);
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            var path = r.GetValue(checkpoint)!;
            var spec = Checkpoint.ReadSpec(path); // a bad file fails here, before the data is read
            var options = training.Bind(r, spec);
            var run = new RunDirectory(r.GetValue(output)!);
            var pruning = Checkpoint.ReadMetadata(path).Where(kv => kv.Key.StartsWith("prune.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["prune.".Length..], kv => kv.Value);
            var source = DataOptions.Locate(r.GetValue(data.Data));
            var train = DataOptions.ReadTrain(source, r.GetValue(data.TrainSubset), options.Seed);
            var test = DataOptions.ReadTest(source, r.GetValue(data.TestSubset));
            using var backend = DeviceOption.Open(r.GetValue(device)!);
            using var model = NonFiniteOption.Load(path, backend, r.GetValue(allowNonFinite));
            TrainingRun.Execute(model, options, train, test, run, new Dictionary<string, object?>
            {
                ["started_from"] = Path.GetFullPath(path),
                ["data"] = DataOptions.Label(source),
                ["pruning"] = pruning.Count > 0 ? pruning : null,
            });
            return 0;
        }));
        return cmd;
    }
}
