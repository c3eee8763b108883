using System.Text.Json.Nodes;
using CudaPrune.Experiment.Cells;
using CudaPrune.Tests.Checkpoints;

namespace CudaPrune.Tests.Experiment.Cells;

/// <summary>A cell's folder is used only when its cell.json says done and every output matches its SHA-256.</summary>
public class CellStoreTests
{
    private TempFolder _folder = null!;

    [SetUp] public void SetUp() => _folder = new TempFolder();

    [TearDown] public void TearDown() => _folder.Dispose();

    private static readonly CellSpec Spec = CellSpec.Create("prune layer 0.50 s1", CellKinds.Prune, "v1", new Dictionary<string, string> { ["budget"] = "0.5" }, []);

    private (CellStore Store, string Model) Committed()
    {
        var store = new CellStore(_folder.Path);
        var work = store.PrepareWork(Spec, keep: false);
        File.WriteAllBytes(Path.Combine(work, "model.safetensors"), [1, 2, 3, 4, 5]);
        File.WriteAllText(Path.Combine(work, "resume.safetensors"), "a resume file is not an output");
        var now = DateTime.UtcNow;
        store.Commit(Spec, new CellRecord(Spec.Id, Spec.Name, Spec.Kind, CellRecord.Failed, Spec.Inputs, Spec.Dependencies, now, now, 1, 1, "host", "cpu",
            new Dictionary<string, string>(), new JsonObject { ["accuracy"] = 0.5 }), ["model.safetensors"]);
        return (store, Path.Combine(store.FinishedFolder(Spec), "model.safetensors"));
    }

    [Test]
    public void ACommittedCellIsFoundWithItsResultAndOnlyItsOutputs()
    {
        var (store, model) = Committed();
        var (record, problem) = store.Finished(Spec);
        Assert.That(problem, Is.Empty);
        Assert.That(record!.Status, Is.EqualTo(CellRecord.Done));
        Assert.That(record.Result["accuracy"]!.GetValue<double>(), Is.EqualTo(0.5));
        Assert.That(record.Outputs["model.safetensors"], Is.EqualTo(CellStore.Sha256(model)));
        Assert.That(Directory.GetFiles(store.FinishedFolder(Spec)).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.safetensors", "cell.json" }));
        Assert.That(Directory.Exists(store.WorkFolder(Spec)), Is.False, "the work folder became the finished one");
    }

    [Test]
    public void AChangedOutputIsDetected()
    {
        var (store, model) = Committed();
        var bytes = File.ReadAllBytes(model);
        bytes[2] ^= 0xFF;
        File.WriteAllBytes(model, bytes);
        var (record, problem) = store.Finished(Spec);
        Assert.That(record, Is.Null);
        Assert.That(problem, Does.Contain("model.safetensors").And.Contain("SHA-256"));
    }

    [Test]
    public void ATruncatedOrMissingCellJsonOrOutputIsDetected()
    {
        var (store, model) = Committed();
        var json = Path.Combine(store.FinishedFolder(Spec), CellRecord.FileName);
        var text = File.ReadAllText(json);
        File.WriteAllText(json, text[..(text.Length / 2)]);
        Assert.That(store.Finished(Spec).Problem, Does.Contain("cell.json cannot be read"));
        File.WriteAllText(json, text);
        File.Delete(model);
        Assert.That(store.Finished(Spec).Problem, Does.Contain("model.safetensors is missing"));
        store.Discard(Spec);
        Assert.That(store.Finished(Spec), Is.EqualTo(((CellRecord?)null, "")), "a discarded cell is simply not finished");
    }

    [Test]
    public void AFailureIsRecordedInTheWorkFolderNeverAsFinished()
    {
        var store = new CellStore(_folder.Path);
        store.PrepareWork(Spec, keep: false);
        var now = DateTime.UtcNow;
        store.RecordFailure(Spec, new CellRecord(Spec.Id, Spec.Name, Spec.Kind, CellRecord.Done, Spec.Inputs, Spec.Dependencies, now, now, 1, 1, "host", "cpu",
            new Dictionary<string, string>(), new JsonObject(), "out of memory"));
        Assert.That(store.Finished(Spec).Record, Is.Null);
        var failed = CellRecord.Parse(File.ReadAllText(Path.Combine(store.WorkFolder(Spec), CellRecord.FileName)));
        Assert.That((failed.Status, failed.Error), Is.EqualTo((CellRecord.Failed, "out of memory")));
    }
}
