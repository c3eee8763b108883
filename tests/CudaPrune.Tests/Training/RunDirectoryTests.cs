using System.Text.Json;
using CudaPrune.Core.IO;
using CudaPrune.Core.Training;

namespace CudaPrune.Tests.Training;

public class RunDirectoryTests
{
    private string _dir = "";

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cudaprune-run-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void MetricsCsvHasAHeaderAndARowPerEpoch()
    {
        var run = new RunDirectory(_dir);
        run.WriteEpochs([new EpochMetrics(1, 0.1f, 2.0, 0.2, 1.9, 0.25, 100, 5, 1), new EpochMetrics(2, 0.05f, 1.5, 0.4, 1.4, 0.45, 110, 4.5, 1)]);
        var lines = File.ReadAllLines(Path.Combine(_dir, RunDirectory.MetricsCsv));
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("epoch,lr,train_loss"));
        Assert.That(lines[2].Split(',')[5], Is.EqualTo("0.45"));
    }

    [Test]
    public void SummaryJsonHoldsTheRequiredFields()
    {
        var run = new RunDirectory(_dir);
        run.WriteSummary(new TrainingSummary(3, 0.61, 1.1, 0.7, 0.9, 250.5, 12, "cpu"), TinyTask.Spec(),
            new Dictionary<string, object?> { ["seed"] = 7 });
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, RunDirectory.MetricsJson)));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("test_accuracy").GetDouble(), Is.EqualTo(0.61));
        Assert.That(root.GetProperty("epochs").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("train_images_per_s").GetDouble(), Is.EqualTo(250.5));
        Assert.That(root.GetProperty("device").GetString(), Is.EqualTo("cpu"));
        Assert.That(root.GetProperty("seed").GetInt32(), Is.EqualTo(7));
        Assert.That(root.GetProperty("params").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public void AnOutputPathThatIsAFileIsRefused()
    {
        var file = Path.Combine(_dir, "x");
        File.WriteAllText(file, "");
        Assert.That(() => new RunDirectory(file), Throws.ArgumentException.With.Message.Contains("is a file"));
    }

    [Test]
    public void AFailedAtomicWriteLeavesNothingAndKeepsTheOldFile()
    {
        var path = Path.Combine(_dir, "a.txt");
        AtomicFile.WriteAllText(path, "old");
        Assert.That(() => AtomicFile.Write(path, tmp => { File.WriteAllText(tmp, "half"); throw new IOException("disk full"); }),
            Throws.InstanceOf<IOException>());
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));
    }
}
