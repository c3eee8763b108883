using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Data;

/// <summary><c>--test-subset</c> of eval, train and finetune: a class-balanced cut of the test split, and a clear error outside 10..all.</summary>
[NonParallelizable] // redirects the console
public class TestSubsetOptionTests
{
    private TempFolder _folder = null!;
    private CifarFixture _data = null!;
    private string _dataFolder = null!;
    private string _checkpoint = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        _data = new CifarFixture(trainPerClass: 2, testPerClass: 3);
        _dataFolder = _data.WriteBatchesFolder(_data.Root);
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");
        _checkpoint = _folder.File("simplecnn.safetensors");
        Checkpoint.Save(model, _checkpoint);
    }

    [TearDown]
    public void TearDown()
    {
        _data.Dispose();
        _folder.Dispose();
    }

    [Test]
    public void EvalTestsOnTheSubsetOnly()
    {
        var all = CliRunner.Run("eval", "--checkpoint", _checkpoint, "--device", "cpu", "--data", _dataFolder);
        var subset = CliRunner.Run("eval", "--checkpoint", _checkpoint, "--device", "cpu", "--data", _dataFolder, "--test-subset", "20");

        Assert.That(all.ExitCode, Is.Zero, all.Error);
        Assert.That(subset.ExitCode, Is.Zero, subset.Error);
        Assert.That(all.Out, Does.Contain("(30 images)"));
        Assert.That(subset.Out, Does.Contain("(20 images)"));
    }

    [Test]
    public void TrainingEvaluatesEachEpochOnTheSubset()
    {
        var run = CliRunner.Run("train", "--model", "simplecnn", "--epochs", "1", "--batch", "10", "--device", "cpu",
            "--data", _dataFolder, "--test-subset", "10", "--out", _folder.File("run"));

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("training on 20 images, testing on 10").And.Not.Contain("testing on 30"));
    }

    [TestCase("eval", "5")]
    [TestCase("eval", "31")]
    [TestCase("finetune", "9")]
    public void OutOfRangeSubsetsAreRefusedAndNothingIsWritten(string command, string size)
    {
        var output = _folder.File("out");
        string[] args = command == "eval"
            ? ["eval", "--checkpoint", _checkpoint, "--device", "cpu", "--data", _dataFolder, "--test-subset", size]
            : ["finetune", "--checkpoint", _checkpoint, "--epochs", "1", "--device", "cpu", "--data", _dataFolder, "--test-subset", size, "--out", output];

        var run = CliRunner.Run(args);

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain("--test-subset must be between 10 and 30, got " + size));
        Assert.That(Directory.Exists(output), Is.False);
    }
}
