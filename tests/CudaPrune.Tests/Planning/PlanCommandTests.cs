using System.Text.Json.Nodes;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Planning;

/// <summary><c>cudaprune plan</c> without a GPU: the tables, the JSON (every conv layer, totals that add up, pruned shapes), and bad input.</summary>
[NonParallelizable] // redirects the console
public class PlanCommandTests
{
    private TempFolder _folder = null!;

    [SetUp] public void SetUp() => _folder = new TempFolder();

    [TearDown] public void TearDown() => _folder.Dispose();

    [Test]
    public void PrintsATablePerBatchAndTheJsonHoldsEveryConvLayerAtEachBatch()
    {
        var json = _folder.File("plan.json");

        var run = CliRunner.Run(["plan", "--model", "resnet20", "--gpu", "h100", "--json", json]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("planned for h100 (132 SMs)").And.Contain("version 3").And.Contain("not measurements"));
        Assert.That(run.Out, Does.Contain("batch 1: 21 conv launches").And.Contain("batch 256: 21 conv launches"));
        Assert.That(run.Out, Does.Contain("layer3.0.shortcut.0").And.Contain("conv2d_forward_kernel3").And.Contain("useful_mac_fraction"));
        var doc = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.That((string?)doc["model"], Is.EqualTo("resnet20"));
        Assert.That(doc["checkpoint"], Is.Null);
        Assert.That((string?)doc["gpu"]!["name"], Is.EqualTo("h100"));
        Assert.That((int?)doc["gpu"]!["multiprocessors"], Is.EqualTo(132));
        Assert.That((int?)doc["version"], Is.EqualTo(3));
        var batches = doc["batches"]!.AsArray();
        Assert.That(batches.Select(b => (int?)b!["batch"]), Is.EqualTo(new int?[] { 1, 256 }));
        var spec = ModelZoo.Create("resnet20");
        foreach (var batch in batches)
        {
            int n = (int)batch!["batch"]!;
            var launches = batch["launches"]!.AsArray();
            Assert.That(launches.Select(l => (string?)l!["layer"]), Is.EqualTo(ModelConvLayers.Of(spec, n).Select(l => l.Name)));
            Assert.That(launches.Select(l => (int?)l!["batch"]), Has.All.EqualTo(n));
            foreach (var key in new[] { "kernel", "tile", "split_k", "blocks", "blocks_per_sm", "flops", "useful_mac_fraction", "workspace_bytes", "estimated_us" })
                Assert.That(launches.Select(l => l![key]), Has.All.Not.Null, key);
        }
        Assert.That(_folder.Files(), Is.EqualTo(new[] { "plan.json" }), "no temporary file left");
    }

    [Test]
    public void TheTotalFractionIsTheUsefulOverTheComputedMacsOfTheRows()
    {
        var json = _folder.File("plan.json");

        var run = CliRunner.Run(["plan", "--model", "resnet20", "--batch", "1,7,256", "--version", "2", "--json", json]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var doc = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.That((int?)doc["version"], Is.EqualTo(2));
        foreach (var batch in doc["batches"]!.AsArray())
        {
            var launches = batch!["launches"]!.AsArray();
            double useful = launches.Sum(l => (double)l!["flops"]! / 2);
            double computed = launches.Sum(l => (double)l!["flops"]! / 2 / (double)l!["useful_mac_fraction"]!);
            Assert.That((double)batch["useful_mac_fraction"]!, Is.EqualTo(useful / computed).Within(1e-9));
            int underfilled = launches.Count(l => (double)l!["flops"]! > 1e6 && (long)l!["blocks"]! < 132);
            Assert.That((int?)batch["underfilled_launches"], Is.EqualTo(underfilled));
            Assert.That(launches.Select(l => (string?)l!["kernel"]), Has.All.StartWith("conv2d_forward_kernel2_bm"));
        }
    }

    [Test]
    public void AChannelPrunedCheckpointPlansItsPrunedChannelCounts()
    {
        var checkpoint = _folder.File("pruned.safetensors");
        ModelSpec pruned;
        using (var cpu = new CpuBackend())
        {
            var model = PruningFixtures.Model(cpu, "resnet20");
            using var compacted = ChannelPruner.Prune(model, new ChannelPruneOptions { Criterion = ChannelCriterion.L1, Target = PruneTarget.Flops(0.5) }).Model;
            Checkpoint.Save(compacted, checkpoint);
            pruned = compacted.Spec;
        }
        var json = _folder.File("plan.json");

        var run = CliRunner.Run(["plan", "--checkpoint", checkpoint, "--batch", "1", "--json", json]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain($"from {checkpoint}"));
        var doc = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.That((string?)doc["checkpoint"], Is.EqualTo(checkpoint));
        var launches = doc["batches"]![0]!["launches"]!.AsArray();
        var layers = ModelConvLayers.Of(pruned, 1);
        Assert.That(launches.Select(l => (string?)l!["layer"]), Is.EqualTo(layers.Select(l => l.Name)));
        Assert.That(launches.Select(l => ((int)l!["shape"]!["c"]!, (int)l["shape"]!["oc"]!)), Is.EqualTo(layers.Select(l => (l.Geometry.C, l.Geometry.OC))));
        Assert.That(launches.Select(l => (double)l!["flops"]!), Is.EqualTo(layers.Select(l => (double)l.Geometry.Flops)));
        var baseline = ModelConvLayers.Of(ModelZoo.Create("resnet20"), 1);
        Assert.That(layers.Sum(l => (double)l.Geometry.Flops), Is.LessThan(0.6 * baseline.Sum(l => (double)l.Geometry.Flops)), "the plan is of the pruned model");
    }

    [TestCase(new[] { "--model", "resnet21" }, "unknown model 'resnet21'")]
    [TestCase(new[] { "--model", "resnet20", "--batch", "1,,8" }, "--batch")]
    [TestCase(new[] { "--model", "resnet20", "--batch", "0" }, "'0' is not a batch size")]
    [TestCase(new[] { "--model", "resnet20", "--gpu", "a100" }, "presets: h100, h200")]
    [TestCase(new[] { "--model", "resnet20", "--version", "1" }, "--version 1")]
    [TestCase(new[] { "--model", "resnet20", "--checkpoint", "x.safetensors" }, "exactly one of --checkpoint FILE or --model NAME, not both")]
    [TestCase(new string[0], "exactly one of --checkpoint FILE or --model NAME")]
    public void BadInputIsRefusedAndWritesNothing(string[] options, string message)
    {
        var json = _folder.File("never.json");

        var run = CliRunner.Run(["plan", .. options, "--json", json]);

        Assert.That(run.ExitCode, Is.EqualTo(2), "a usage error");
        Assert.That(run.Error, Does.Contain(message));
        Assert.That(_folder.Files(), Is.Empty);
    }

    [Test]
    public void AMissingOrCorruptCheckpointIsRefused()
    {
        var corrupt = _folder.File("corrupt.safetensors");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        var missing = CliRunner.Run(["plan", "--checkpoint", _folder.File("none.safetensors")]);
        var bad = CliRunner.Run(["plan", "--checkpoint", corrupt]);

        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("checkpoint not found"));
        Assert.That(bad.ExitCode, Is.EqualTo(1));
        Assert.That(bad.Error, Does.StartWith("error: "));
    }

    [Test]
    public void HelpExplainsEveryOption()
    {
        var run = CliRunner.Run(["plan", "--help"]);

        Assert.That(run.ExitCode, Is.Zero);
        foreach (var option in new[] { "--checkpoint", "--model", "--batch", "--gpu", "--version", "--json", "h100", "resnet56", "not measurements" })
            Assert.That(run.Out, Does.Contain(option));
    }
}
