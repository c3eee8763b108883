using System.CommandLine;
using CudaPrune.Cli.Options;
using CudaPrune.Cli.Runs;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune train</c>: trains a zoo model on CIFAR-10 and writes runs/NAME.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = $"Architecture: {string.Join(", ", ModelZoo.Names)}.",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "Run folder to write (metrics.csv, metrics.json, model.safetensors), e.g. runs/resnet20.", Required = true };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue an interrupted run in --out from its last finished epoch (resume.safetensors, written after every epoch); " +
                "give the same options as the first run. The result is the same as an uninterrupted run's.",
        };
        var device = DeviceOption.Create();
        var data = new DataOptions();
        var training = new TrainingOptionSet(defaultEpochs: 30, defaultLearningRate: 0.1f, defaultLearningRateWithoutBatchNorm: 0.05f);
        var cmd = new Command("train", "Train a model on CIFAR-10 from scratch with SGD, evaluating on the test split after each epoch.") { model, output, resume, device };
        training.AddTo(cmd);
        data.AddTo(cmd, withTestSubset: true);
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            var spec = ModelZoo.Create(r.GetValue(model)!);
            var options = training.Bind(r, spec);
            var run = new RunDirectory(r.GetValue(output)!);
            var source = DataOptions.Locate(r.GetValue(data.Data));
            var train = DataOptions.ReadTrain(source, r.GetValue(data.TrainSubset), options.Seed);
            var test = DataOptions.ReadTest(source, r.GetValue(data.TestSubset));
            using var backend = DeviceOption.Open(r.GetValue(device)!);
            using var net = ModelBuilder.Build(spec, backend, options.Seed);
            TrainingRun.Execute(net, options, train, test, run, new Dictionary<string, object?>
            {
                ["started_from"] = "scratch",
                ["data"] = DataOptions.Label(source),
            }, resume: r.GetValue(resume));
            return 0;
        }));
        return cmd;
    }
}
