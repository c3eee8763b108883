using CudaPrune.Experiment;
using CudaPrune.Experiment.Cells;

namespace CudaPrune.Tests.Experiment.Cells;

/// <summary>The cell graph: ids follow the inputs, a changed option invalidates exactly the cells downstream of it, stages order it.</summary>
public class CompareGraphTests
{
    private static readonly CompareSettings Settings = CompareSettings.Quick with { Budgets = [0.75, 0.5], BatchSizes = [1, 64], Seeds = 2 };

    private static CompareCellGraph Graph(CompareSettings s, string code = "v1", string device = "cpu") => new(s, code, device, "CIFAR-10", null, secondEngine: true);

    private static Dictionary<string, string> IdsByName(CompareCellGraph g) => g.Cells.ToDictionary(c => c.Name, c => c.Id);

    [Test]
    public void TheSameSettingsGiveTheSameIdsAndEveryCellIsUnique()
    {
        var a = IdsByName(Graph(Settings));
        var b = IdsByName(Graph(Settings));
        Assert.That(b, Is.EqualTo(a));
        Assert.That(a.Values.Distinct().Count(), Is.EqualTo(a.Count));
        Assert.That(a.Keys, Does.Contain("baseline s1").And.Contain("baseline s2").And.Contain("prune layer 0.75 s1").And.Contain("finetune channel 0.50 s2")
            .And.Contain("iso-latency b64 0.50 s1").And.Contain("scratch channel 0.50").And.Contain("profile").And.Contain("profile folded").And.Contain("second engine"));
    }

    [Test]
    public void ChangingTheFineTuningEpochsRedoesTheFineTunesAndWhatDependsOnThemOnly()
    {
        var before = IdsByName(Graph(Settings));
        var after = IdsByName(Graph(Settings with { FinetuneEpochs = Settings.FinetuneEpochs + 1 }));
        var changed = before.Keys.Where(k => before[k] != after[k]).ToList();
        Assert.That(changed, Has.All.Matches<string>(n => n.StartsWith("finetune", StringComparison.Ordinal) || n.StartsWith("iso-latency", StringComparison.Ordinal)
            || n.StartsWith("scratch", StringComparison.Ordinal) || n is "profile" or "profile folded" or "second engine"),
            "no baseline or pruning depends on the fine-tuning epochs (scratch controls train for the baseline's and the fine-tuning's epochs)");
        Assert.That(changed, Does.Contain("scratch layer 0.50"));
        Assert.That(changed.Where(n => n.StartsWith("finetune", StringComparison.Ordinal)).Count(), Is.EqualTo(before.Keys.Count(n => n.StartsWith("finetune", StringComparison.Ordinal))));
        Assert.That(changed, Does.Contain("iso-latency b1 0.75 s1"), "the iso-latency search times the fine-tuned layer-pruned model");
        Assert.That(before.Keys.Where(n => n.StartsWith("baseline", StringComparison.Ordinal) || n.StartsWith("prune", StringComparison.Ordinal))
            .All(n => before[n] == after[n]), Is.True);
    }

    [Test]
    public void ChangingTheBatchSizesKeepsEveryTrainedModel()
    {
        var before = IdsByName(Graph(Settings));
        var after = IdsByName(Graph(Settings with { BatchSizes = [1, 64, 256] }));
        foreach (var name in before.Keys.Where(n => !n.StartsWith("iso-latency", StringComparison.Ordinal) && !n.Contains("iso-latency") && n is not ("profile" or "profile folded" or "second engine")))
            Assert.That(after[name], Is.EqualTo(before[name]), name);
        Assert.That(after["profile"], Is.Not.EqualTo(before["profile"]));
        Assert.That(after.Keys, Does.Contain("iso-latency b256 0.50 s2"));
    }

    [Test]
    public void AnotherCodeVersionOrDeviceChangesEveryId()
    {
        var a = IdsByName(Graph(Settings));
        Assert.That(IdsByName(Graph(Settings, code: "v2")).Where(kv => a[kv.Key] == kv.Value), Is.Empty);
        Assert.That(IdsByName(Graph(Settings, device: "cuda")).Where(kv => a[kv.Key] == kv.Value), Is.Empty);
    }

    [Test]
    public void EveryCellComesAfterItsDependenciesAndLatencyCellsRunAlone()
    {
        var graph = Graph(Settings);
        var stages = graph.Stages();
        var position = graph.Cells.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i);
        foreach (var cell in graph.Cells)
            foreach (var dependency in cell.Dependencies)
            {
                Assert.That(stages[dependency], Is.LessThan(stages[cell.Id]), cell.Name);
                Assert.That(position[dependency], Is.LessThan(position[cell.Id]), cell.Name);
            }
        Assert.That(graph.Cells.Where(c => c.Exclusive).Select(c => c.Kind).Distinct(),
            Is.EquivalentTo(new[] { CellKinds.IsoLatency, CellKinds.Profile, CellKinds.Engines }));
        Assert.That(graph.Profile!.Dependencies, Is.EquivalentTo(graph.Variants.Select(v => v.Cell)), "the profile times every model the report lists");
    }
}
