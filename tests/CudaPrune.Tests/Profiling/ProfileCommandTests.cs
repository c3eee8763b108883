using System.Text.Json.Nodes;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Profiling;

/// <summary><c>cudaprune profile</c> on the CPU: the per-batch tables, the files, and bad input.</summary>
[NonParallelizable] // redirects the console
public class ProfileCommandTests
{
    private TempFolder _folder = null!;
    private string _checkpoint = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "resnet20");
        _checkpoint = _folder.File("resnet20.safetensors");
        Checkpoint.Save(model, _checkpoint);
    }

    [TearDown] public void TearDown() => _folder.Dispose();

    [Test]
    public void PrintsATablePerBatchSizeAndWritesJsonAndCsv()
    {
        var json = _folder.File("profile.json");
        var csv = _folder.File("profile.csv");

        var run = CliRunner.Run(["profile", "--checkpoint", _checkpoint, "--device", "cpu", "--batch", "1,2", "--runs", "2", "--warmup", "1",
            "--graph", "--json", json, "--csv", csv]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("batch 1: end-to-end").And.Contain("batch 2: end-to-end").And.Contain("images/s"));
        Assert.That(run.Out, Does.Contain("CUDA graph: not available on this device"));
        Assert.That(run.Out, Does.Contain("layer3.2.conv2").And.Contain("conv2d_forward").And.Contain("GFLOP/s").And.Contain("bound"));
        Assert.That(run.Out, Does.Contain("batch norms not folded"));
        var batches = JsonNode.Parse(File.ReadAllText(json))!["batches"]!.AsArray();
        Assert.That(batches.Select(b => (int?)b!["batch"]), Is.EqualTo(new int?[] { 1, 2 }));
        Assert.That(batches[0]!["kernels"]!.AsArray(), Has.Count.EqualTo(3 + 9 * 6 + 2 * 2 + 2), "one row per (layer, kernel): a block's two ReLUs share one");
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Does.StartWith("model,batch,cache,kind,layer,kernel"));
        Assert.That(lines.Count(l => l.Contains(",end_to_end,", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    [Test]
    [Category("Emulated")]
    public void OnTheEmulatedDeviceKernelsAreTimedWithEventsWithAndWithoutGraphsFoldedOrNot()
    {
        Tests.CudaBackend.EmulatedDevice.Open().Dispose(); // ignored (failed under CI) without the emulator

        var plain = CliRunner.Run(["profile", "--checkpoint", _checkpoint, "--device", "emulated", "--batch", "1", "--runs", "2", "--warmup", "1", "--graph"]);
        var folded = CliRunner.Run(["profile", "--checkpoint", _checkpoint, "--device", "emulated", "--batch", "1", "--runs", "2", "--warmup", "1", "--graph", "--fold-bn"]);

        Assert.That(plain.ExitCode, Is.Zero, plain.Error);
        Assert.That(plain.Out, Does.Contain("CUDA graph: ").And.Contain("x the eager pass"));
        Assert.That(plain.Out, Does.Contain("batch_norm_eval_forward_kernel").And.Contain("conv2d_forward_kernel"));
        Assert.That(folded.ExitCode, Is.Zero, folded.Error);
        Assert.That(folded.Out, Does.Contain("batch norms folded").And.Contain("conv2d_forward_kernel"));
        Assert.That(folded.Out, Does.Not.Contain("batch_norm_eval_forward"));
    }

    [TestCase("--batch", "0", "'0' is not a batch size")]
    [TestCase("--runs", "0", "--runs must be at least 1")]
    [TestCase("--warmup", "0", "--warmup must be at least 1")]
    public void BadNumbersAreRefused(string option, string value, string message)
    {
        var json = _folder.File("never.json");

        var run = CliRunner.Run(["profile", "--checkpoint", _checkpoint, "--device", "cpu", option, value, "--json", json]);

        Assert.That(run.ExitCode, Is.EqualTo(2), "a usage error");
        Assert.That(run.Error, Does.Contain(message));
        Assert.That(File.Exists(json), Is.False);
    }

    [Test]
    public void AMissingCheckpointIsRefused()
    {
        var run = CliRunner.Run(["profile", "--checkpoint", _folder.File("missing.safetensors"), "--device", "cpu"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("checkpoint not found"));
    }

    [Test]
    public void AJsonPathThatIsAFolderIsRefused()
    {
        var run = CliRunner.Run(["profile", "--checkpoint", _checkpoint, "--device", "cpu", "--json", _folder.Path]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("--json").And.Contain("is a folder"));
    }
}
