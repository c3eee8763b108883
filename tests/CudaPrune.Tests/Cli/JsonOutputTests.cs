using System.Text.Json.Nodes;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.CudaBackend;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Cli;

/// <summary>
/// <c>--json</c> of eval, info, verify, prune and profile: alone or as <c>--json -</c>, stdout holds one JSON
/// document and nothing else (the human text goes to stderr); <c>--json FILE</c> writes the document there.
/// </summary>
[NonParallelizable] // redirects the console
public class JsonOutputTests
{
    private TempFolder _folder = null!;
    private string _resnet = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "resnet20");
        _resnet = _folder.File("resnet20.safetensors");
        Checkpoint.Save(model, _resnet);
    }

    [TearDown] public void TearDown() => _folder.Dispose();

    /// <summary>Runs the command and parses its whole stdout as one JSON object.</summary>
    private static (JsonObject Json, CliRunner.Outcome Run) Document(params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        return (JsonNode.Parse(run.Out)!.AsObject(), run);
    }

    [TestCase("--json")]
    [TestCase("--json", "-")]
    public void EvalPrintsAccuracyAndLoss(params string[] json)
    {
        using var data = new CifarFixture(trainPerClass: 1, testPerClass: 2);
        var folder = data.WriteBatchesFolder(data.Root);

        var (doc, run) = Document(["eval", "--checkpoint", _resnet, "--device", "cpu", "--data", folder, .. json]);

        Assert.That((string?)doc["model"], Is.EqualTo("resnet20"));
        Assert.That((int?)doc["images"], Is.EqualTo(20));
        Assert.That((double?)doc["accuracy"], Is.InRange(0.0, 1.0));
        Assert.That((double?)doc["loss"], Is.GreaterThan(0));
        Assert.That((long?)doc["params"], Is.GreaterThan(200_000));
        Assert.That((string?)doc["device"], Does.Contain("cpu").IgnoreCase);
        Assert.That(run.Error, Does.Contain("test accuracy").And.Contain("device:"), "the human text goes to stderr");
    }

    [Test]
    public void EvalWritesTheDocumentToAFileAndPrintsAsUsual()
    {
        using var data = new CifarFixture(trainPerClass: 1, testPerClass: 1);
        var folder = data.WriteBatchesFolder(data.Root);
        var file = _folder.File("eval.json");

        var run = CliRunner.Run("eval", "--checkpoint", _resnet, "--device", "cpu", "--data", folder, "--json", file);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("test accuracy").And.Contain($"wrote {file}"));
        Assert.That((int?)JsonNode.Parse(File.ReadAllText(file))!["images"], Is.EqualTo(10));
    }

    [Test]
    public void InfoPrintsTheEnvironment()
    {
        var (doc, run) = Document("info", "--json");

        Assert.That((string?)doc["runtime"], Does.StartWith(".NET"));
        Assert.That(doc["devices"], Is.InstanceOf<JsonArray>());
        Assert.That(doc["nvrtc"]!["found"], Is.Not.Null);
        Assert.That((string?)doc["kernel_cache"], Is.Not.Empty);
        Assert.That(run.Error, Does.Contain("CudaPrune environment"));
    }

    [Test]
    public void PrunePrintsTheReportAndWhereTheCheckpointWent()
    {
        var output = _folder.File("pruned");

        var (doc, _) = Document("prune", "--checkpoint", _resnet, "--device", "cpu", "--method", "channel", "--ratio", "0.5", "--check", "--out", output, "--json");

        Assert.That((string?)doc["method"], Is.EqualTo("channel"));
        Assert.That((string?)doc["criterion"], Is.EqualTo("l1"));
        Assert.That((long)doc["params_after"]!, Is.LessThan((long)doc["params_before"]!));
        Assert.That((double?)doc["check_max_relative_difference"], Is.LessThan(1e-5));
        Assert.That((string?)doc["checkpoint"], Is.EqualTo(Path.Combine(output, "model.safetensors")));
        Assert.That(File.Exists((string?)doc["checkpoint"]), Is.True);
        Assert.That(doc["layers"]!.AsArray(), Is.Not.Empty);
    }

    [Test]
    public void PruneShowingGroupsOnlyHasNoDocumentToPrint()
    {
        var run = CliRunner.Run("prune", "--checkpoint", _resnet, "--show-groups", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("--json reports a pruned model"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void ProfilePrintsEveryBatchSize()
    {
        var (doc, run) = Document("profile", "--checkpoint", _resnet, "--device", "cpu", "--batch", "1,2", "--runs", "2", "--warmup", "1", "--json");

        Assert.That((string?)doc["model"], Is.EqualTo("resnet20"));
        Assert.That(doc["batches"]!.AsArray().Select(b => (int?)b!["batch"]), Is.EqualTo(new int?[] { 1, 2 }));
        Assert.That((double?)doc["batches"]![0]!["images_per_second"], Is.GreaterThan(0));
        Assert.That(run.Error, Does.Contain("batch 1: end-to-end"));
    }

    [Test]
    [Category("Emulated")]
    public void VerifyPrintsEveryCheck()
    {
        EmulatedDevice.Open().Dispose(); // ignored (or failed under CI) without the emulator

        var (doc, run) = Document("verify", "--device", "emulated", "--quick", "--op", "scale", "--json");

        Assert.That((string?)doc["device"], Is.EqualTo("emulated"));
        Assert.That((int?)doc["checks"], Is.EqualTo(8));
        Assert.That((int?)doc["failed"], Is.Zero);
        Assert.That((bool?)doc["all_passed"], Is.True);
        var results = doc["results"]!.AsArray();
        Assert.That(results.Select(r => (string?)r!["status"]), Is.All.EqualTo("passed"));
        Assert.That(results.Select(r => (string?)r!["kernel"]), Does.Contain("scale_kernel2"));
        Assert.That(run.Error, Does.Contain("verify on emulated: 8 checks"));
    }

    [Test]
    public void AFailureLeavesStdoutEmpty()
    {
        var run = CliRunner.Run("eval", "--checkpoint", _folder.File("missing.safetensors"), "--json");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Out, Is.Empty);
        Assert.That(run.Error, Does.StartWith("error: ").And.Contain("checkpoint not found"));
    }
}
