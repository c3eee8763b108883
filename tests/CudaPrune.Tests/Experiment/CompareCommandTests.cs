using System.Text.Json.Nodes;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Experiment;

/// <summary><c>cudaprune compare</c> end to end on a tiny fake CIFAR-10, and every bad input: a clear error, nothing written.</summary>
[NonParallelizable] // redirects the console
public class CompareCommandTests
{
    private TempFolder _folder = null!;

    [SetUp] public void SetUp() => _folder = new TempFolder();

    [TearDown] public void TearDown() => _folder.Dispose();

    private static readonly string[] Tiny =
    [
        "--quick", "--device", "cpu", "--model", "resnet20", "--train-subset", "30", "--test-subset", "20", "--epochs", "1", "--finetune-epochs", "1", "--budgets", "0.75,0.5",
        "--batch-sizes", "1,2", "--runs", "2", "--warmup", "1", "--train-batch", "16", "--seeds", "1",
    ];

    [Test]
    public void ATinyRunWritesTheReportResultsPlotsAndModels()
    {
        using var data = new CifarFixture(trainPerClass: 3, testPerClass: 2);
        data.WriteImageFolder(data.Root, "png");
        var output = _folder.File("run");

        var run = CliRunner.Run(["compare", .. Tiny, "--data", data.Root, "--out", output]);

        Assert.That(run.ExitCode, Is.Zero, run.Error + run.Out);
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Is.SupersetOf(new[] { "report.md", "results.json", "results.csv", "accuracy-latency.png" }));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!;
        Assert.That((string?)json["dataset"], Is.EqualTo("CIFAR-10 (JPEG copy)"), "an image folder is the JPEG copy's layout");
        Assert.That((int?)json["test_images"], Is.EqualTo(20));
        var variants = json["variants"]!.AsArray();
        Assert.That(variants.Where(v => v!["control"] is null).Select(v => (string?)v!["method"]), Is.EqualTo(new[]
        {
            "baseline", "layer", "channel", "iso-latency", "iso-latency", "layer", "channel", "iso-latency", "iso-latency",
        }), "per budget: layer, channel at its FLOPs, channel at its latency for batch 1 and 2");
        Assert.That(json["scratch"]!.AsArray().Select(c => ((string?)c!["method"], (double?)c["budget"])),
            Is.EqualTo(new (string?, double?)[] { ("layer", 0.5), ("channel", 0.5) }), "the quick preset controls the last budget");
        Assert.That(json["criterion_controls"]!.AsArray().Select(c => (string?)c!["control"]),
            Is.SubsetOf(new[] { "criteria l1/l1", "criteria taylor/taylor", "criteria random/random" }).And.Not.Empty);
        Assert.That((int?)json["validation_images"], Is.Zero, "30 training images: a fifth is under the 10 a validation set needs");
        foreach (double budget in new[] { 0.75, 0.5 })
        {
            JsonNode Of(string method) => variants.Single(v => (string?)v!["method"] == method && (double?)v!["budget"] == budget && v["control"] is null)!;
            Assert.That((double)Of("channel")["flops_kept"]!, Is.EqualTo((double)Of("layer")["flops_kept"]!).Within(0.02), "both methods land on the same FLOPs");
        }
        var iso = json["iso_latency"]!.AsArray();
        Assert.That(iso.Select(i => ((double?)i!["budget"], (int?)i["batch"])), Is.EqualTo(new (double?, int?)[] { (0.75, 1), (0.75, 2), (0.5, 1), (0.5, 2) }));
        Assert.That(iso.Select(i => (double?)i!["mcnemar_p"]), Has.All.InRange(0.0, 1.0));
        Assert.That(variants.Select(v => File.Exists((string?)v!["checkpoint"])), Is.All.True, "every evaluated model is saved");
        Assert.That(json["speed_claims"]!.AsArray().Select(c => ((int?)c!["batch"], (string?)c["mode"])),
            Is.EqualTo(new (int?, string?)[] { (1, "eager"), (1, "folded"), (2, "eager"), (2, "folded") }), "deployment mode (folded) judged beside eager; no graphs on the CPU");
        Assert.That(json["pairs"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(json["engines"]!.AsArray().Select(e => (string?)e!["name"]), Is.EquivalentTo(new[] { "cudaprune", "onnxruntime" }));
        var engines = variants[0]!["latency_by_engine"]!["1"]!.AsObject();
        Assert.That(engines.Select(kv => kv.Key), Is.EquivalentTo(new[] { "cudaprune", "onnxruntime" }), "the baseline timed by both engines at batch 1");
        Assert.That((double?)engines["onnxruntime"]!["median_ms"], Is.GreaterThan(0));
        Assert.That(json["pairs"]!.AsArray().Select(p => (double?)p!["mcnemar_p"]), Has.All.InRange(0.0, 1.0));
        foreach (var png in Directory.GetFiles(output, "*.png"))
            Assert.That(File.ReadAllBytes(png).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }), png);
        Assert.That(File.ReadAllText(Path.Combine(output, "report.md")), Does.Contain("Claim under test").And.Contain("Per-layer latency"));
        Assert.That(run.Out, Does.Contain("speed half at batch 1 (eager)").And.Contain("accuracy half of the claim"));
    }

    [Test]
    public void AModelLayerPruningCannotBringToTheBudgetsFailsAtOnceNamingTheLevels()
    {
        using var data = new CifarFixture(trainPerClass: 3, testPerClass: 2);
        data.WriteImageFolder(data.Root, "png");
        var output = _folder.File("simplecnn");

        var run = CliRunner.Run(["compare", "--quick", "--device", "cpu", "--model", "simplecnn", "--data", data.Root, "--out", output]);

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain("layer pruning of simplecnn cannot reach any of the budgets 0.75, 0.50").And.Contain("% of the FLOPs"));
        Assert.That(run.Out, Does.Not.Contain("training"), "it fails before any training");
        var levels = CudaPrune.Experiment.CompareExperiment.ReachableLayerLevels(Core.Models.ModelZoo.Create("simplecnn"));
        Assert.That(levels.Max(), Is.LessThan(0.25));
    }

    private void AssertRefused(string[] args, string message, int exitCode = 2)
    {
        var output = _folder.File("never");
        var run = CliRunner.Run(["compare", .. args, "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.Out);
        Assert.That(run.Error, Does.Contain(message));
        Assert.That(Directory.Exists(output), Is.False, "nothing is written");
    }

    [Test]
    public void AnUnknownModelIsRefused() => AssertRefused(["--model", "resnet21"], "unknown model 'resnet21'");

    [Test]
    public void ABudgetOutsideZeroToOneIsRefused() => AssertRefused(["--model", "resnet20", "--budgets", "0.5,1.5"], "budget 1.5 is outside (0, 1)");

    [Test]
    public void ABadBatchListIsRefused() => AssertRefused(["--model", "resnet20", "--batch-sizes", "1,x"], "--batch-sizes: 'x' is not a batch size");

    [Test]
    public void AMissingBaselineCheckpointIsRefused() =>
        AssertRefused(["--baseline", _folder.File("missing.safetensors")], "checkpoint not found", exitCode: 1);

    [Test]
    public void AnUnknownCriterionIsRefused() => AssertRefused(["--model", "resnet20", "--criterion", "output-change"], "does not apply to channel pruning");

    [Test]
    public void AnOutputThatIsAFileIsRefusedAndLeftAlone()
    {
        var file = _folder.File("taken");
        File.WriteAllText(file, "keep me");

        var run = CliRunner.Run(["compare", "--model", "resnet20", "--out", file]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("is a file, not a folder"));
        Assert.That(File.ReadAllText(file), Is.EqualTo("keep me"));
        Assert.That(_folder.Files(), Is.EqualTo(new[] { "taken" }));
    }
}
