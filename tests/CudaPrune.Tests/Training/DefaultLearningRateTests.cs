using System.Text.Json.Nodes;
using CudaPrune.Core.Models;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Training;

/// <summary>train's default learning rate depends on the model: 0.1 with batch norm, 0.05 without (simplecnn stalls at 0.1); --lr always wins.</summary>
[NonParallelizable] // redirects the console
public class DefaultLearningRateTests
{
    [TestCase("simplecnn", false)]
    [TestCase("vgg11", true)]
    [TestCase("resnet20", true)]
    public void HasBatchNormSeesPlainAndResidualBatchNorm(string model, bool expected) =>
        Assert.That(ModelZoo.Create(model).HasBatchNorm, Is.EqualTo(expected));

    [TestCase("simplecnn", null, 0.05)]
    [TestCase("resnet20", null, 0.1)]
    [TestCase("simplecnn", "0.2", 0.2)]
    public void TrainRecordsTheLearningRateItUsed(string model, string? lr, double expected)
    {
        using var folder = new TempFolder();
        using var data = new CifarFixture(trainPerClass: 1, testPerClass: 1);
        var dataFolder = data.WriteBatchesFolder(data.Root);
        string[] args = ["train", "--model", model, "--epochs", "1", "--batch", "10", "--device", "cpu", "--data", dataFolder, "--out", folder.File("run")];

        var run = CliRunner.Run(lr is null ? args : [.. args, "--lr", lr]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var metrics = JsonNode.Parse(File.ReadAllText(folder.File("run/metrics.json")))!;
        Assert.That(metrics["lr"]!.GetValue<double>(), Is.EqualTo(expected).Within(1e-6));
    }
}
