using CudaPrune.Core.Training;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Training;

/// <summary><c>train --resume</c>: continues from the run folder's resume file, keeps metrics rows, refuses other options.</summary>
[NonParallelizable] // redirects the console
public class TrainResumeCommandTests
{
    private TempFolder _folder = null!;
    private CifarFixture _data = null!;
    private string _dataFolder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        _data = new CifarFixture(trainPerClass: 2, testPerClass: 1);
        _dataFolder = _data.WriteBatchesFolder(_data.Root);
    }

    [TearDown]
    public void TearDown()
    {
        _data.Dispose();
        _folder.Dispose();
    }

    private CliRunner.Outcome Train(string output, params string[] extra) => CliRunner.Run(
        ["train", "--model", "simplecnn", "--epochs", "2", "--batch", "10", "--device", "cpu", "--data", _dataFolder, "--out", output, .. extra]);

    [Test]
    public void ResumingAFinishedRunKeepsItsEpochsAndWeights()
    {
        var output = _folder.File("run");
        var first = Train(output);
        Assert.That(first.ExitCode, Is.Zero, first.Error);
        Assert.That(File.Exists(Path.Combine(output, RunDirectory.ResumeFileName)), "the resume file stays when the run ends");
        var weights = File.ReadAllBytes(Path.Combine(output, RunDirectory.CheckpointFile));

        var again = Train(output, "--resume");
        Assert.That(again.ExitCode, Is.Zero, again.Error);
        Assert.That(again.Out, Does.Contain("2 of 2 epoch(s) done"));
        Assert.That(File.ReadAllLines(Path.Combine(output, RunDirectory.MetricsCsv)), Has.Length.EqualTo(3), "header and both epochs' rows");
        Assert.That(File.ReadAllBytes(Path.Combine(output, RunDirectory.CheckpointFile)), Is.EqualTo(weights));
    }

    [Test]
    public void AChangedOptionOrNothingToResumeIsAClearError()
    {
        var output = _folder.File("run");
        var none = Train(output, "--resume");
        Assert.That(none.ExitCode, Is.Not.Zero);
        Assert.That(none.Error, Does.Contain("nothing to resume"));

        Assert.That(Train(output).ExitCode, Is.Zero);
        var changed = Train(output, "--resume", "--seed", "2");
        Assert.That(changed.ExitCode, Is.Not.Zero);
        Assert.That(changed.Error, Does.Contain("option 'seed' differs"));
    }
}
