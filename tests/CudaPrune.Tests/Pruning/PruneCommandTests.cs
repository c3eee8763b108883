using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Data;

namespace CudaPrune.Tests.Pruning;

/// <summary><c>cudaprune prune</c> and <c>finetune</c> end to end on small checkpoints: outputs, metadata, and every bad input (a clear error, nothing written).</summary>
[NonParallelizable] // redirects the console
public class PruneCommandTests
{
    private TempFolder _folder = null!;
    private string _resnet = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        _resnet = Save("resnet20");
    }

    [TearDown] public void TearDown() => _folder.Dispose();

    private string Save(string model)
    {
        using var cpu = new CpuBackend();
        using var m = PruningFixtures.Model(cpu, model);
        var path = _folder.File($"{model}.safetensors");
        Checkpoint.Save(m, path);
        return path;
    }

    private CliRunner.Outcome Prune(string output, params string[] args) =>
        CliRunner.Run(["prune", "--checkpoint", _resnet, "--device", "cpu", "--out", output, .. args]);

    [Test]
    public void ChannelPruningWritesTheCheckpointAndReportIntoAFolder()
    {
        var output = _folder.File("channel");

        var run = Prune(output, "--method", "channel", "--criterion", "l1", "--ratio", "0.5", "--check");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("PASSED").And.Contain("total").And.Contain("memory: model state"));
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.safetensors", "prune.json" }));
        var metadata = Checkpoint.ReadMetadata(Path.Combine(output, "model.safetensors"));
        Assert.That(metadata["prune.method"], Is.EqualTo("channel"));
        Assert.That(metadata["prune.criterion"], Is.EqualTo("l1"));
        Assert.That(metadata["prune.target"], Is.EqualTo("ratio=0.5"));
        Assert.That(metadata["prune.source"], Is.EqualTo(Path.GetFullPath(_resnet)));
        Assert.That(double.Parse(metadata["prune.check_max_relative_difference"], System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(1e-5));
        using var cpu = new CpuBackend();
        using var pruned = Checkpoint.Load(Path.Combine(output, "model.safetensors"), cpu);
        Assert.That(ModelStats.Compute(pruned.Spec).Params, Is.LessThan(ModelStats.Compute(ModelZoo.Create("resnet20")).Params / 2));
        Assert.That(File.ReadAllText(Path.Combine(output, "prune.json")), Does.Contain("\"flops_kept\"").And.Contain("layer3.2.conv2"));
    }

    [Test]
    public void LayerPruningWritesASafetensorsPathAtAFlopsTarget()
    {
        var output = _folder.File("out/layer.safetensors");

        var run = Prune(output, "--method", "layer", "--criterion", "l1", "--target-flops", "0.65", "--check");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("removed block").And.Contain("PASSED"));
        Assert.That(Directory.GetFiles(_folder.File("out")).Select(Path.GetFileName), Is.EqualTo(new[] { "layer.safetensors" }));
        var metadata = Checkpoint.ReadMetadata(output);
        Assert.That(metadata["prune.target"], Is.EqualTo("flops=0.65"));
        double kept = double.Parse(metadata["prune.flops_after"]) / double.Parse(metadata["prune.flops_before"]);
        Assert.That(kept, Is.EqualTo(0.65).Within(0.05));
        Assert.That(run.Out, Does.Contain("of the FLOPs for a target of 65.0 %"));
    }

    [Test]
    public void RemovingAPlainConvSaysTheClassifierIsReinitialisedAndThatNoCheckApplies()
    {
        var simple = Save("simplecnn");

        var run = CliRunner.Run("prune", "--checkpoint", simple, "--device", "cpu", "--method", "layer", "--ratio", "0.5", "--protect-first", "--check", "--out", _folder.File("simple"));

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("REBUILT fc: in_features 8192 → 16384").And.Contain("RE-INITIALISED").And.Contain("check: not applicable"));
        Assert.That(Checkpoint.ReadMetadata(_folder.File("simple/model.safetensors"))["prune.reinitialised"], Is.EqualTo("fc"));
    }

    [Test]
    public void ShowGroupsAloneNeedsNoOutput()
    {
        var run = CliRunner.Run("prune", "--checkpoint", _resnet, "--show-groups");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("14 channel groups, 12 prunable").And.Contain("layer2.0.shortcut.0.in"));
    }

    [Test]
    public void DataCriteriaAndIterativeStepsReadTheTrainingSplitAndFineTune()
    {
        using var data = new CifarFixture(trainPerClass: 3, testPerClass: 1);
        var folder = data.WriteBatchesFolder(data.Root);
        var output = _folder.File("steps");

        var run = Prune(output, "--method", "channel", "--criterion", "taylor", "--target-flops", "0.5", "--steps", "2", "--finetune-epochs", "1",
            "--finetune-batch", "10", "--calibration-batches", "1", "--calibration-batch-size", "8", "--data", folder);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("calibration: 1 batch(es), 8 training images").And.Contain("step 2/2").And.Contain("fine-tuning 1 epoch(s)").And.Contain("after 2 steps"));
        var metadata = Checkpoint.ReadMetadata(Path.Combine(output, "model.safetensors"));
        Assert.That(double.Parse(metadata["prune.flops_after"]) / double.Parse(metadata["prune.flops_before"]), Is.EqualTo(0.5).Within(0.05));

        var run2 = CliRunner.Run("finetune", "--checkpoint", Path.Combine(output, "model.safetensors"), "--epochs", "1", "--batch", "10",
            "--device", "cpu", "--data", folder, "--out", _folder.File("ft"));

        Assert.That(run2.ExitCode, Is.Zero, run2.Error);
        Assert.That(File.ReadAllText(_folder.File("ft/metrics.json")), Does.Contain("\"pruning\"").And.Contain("\"criterion\": \"taylor\""));
        Assert.That(Checkpoint.ReadSpec(_folder.File("ft/model.safetensors")), Is.EqualTo(Checkpoint.ReadSpec(Path.Combine(output, "model.safetensors"))));
    }

    [Test]
    public void ChannelVariantsAreRecordedAndTheStemIsLeftWholeByDefault()
    {
        var output = _folder.File("variants");

        var run = Prune(output, "--method", "channel", "--ratio", "0.5", "--round-to", "tile", "--ranking", "global", "--check");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Out, Does.Contain("global ranking, counts rounded to multiples of 4").And.Contain("PASSED"));
        var metadata = Checkpoint.ReadMetadata(Path.Combine(output, "model.safetensors"));
        Assert.That((metadata["prune.ranking"], metadata["prune.round_to"], metadata["prune.protect_stem"]), Is.EqualTo(("global", "4", "true")));
        var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "prune.json")))!;
        Assert.That((string?)report["ranking"], Is.EqualTo("global"));
        Assert.That((int)report["round_to"]!, Is.EqualTo(4));
        Assert.That((bool)report["protect_stem"]!, Is.True);
        var spec = Checkpoint.ReadSpec(Path.Combine(output, "model.safetensors"));
        Assert.That(((ConvSpec)spec.Layer("conv1")).OutChannels, Is.EqualTo(16), "the stem is left whole");
        Assert.That(spec.Layers.OfType<BasicBlockSpec>().Select(b => b.MidChannels), Is.All.Matches<int>(c => c % 4 == 0));
    }

    [Test]
    public void PruneStemPrunesTheFirstConvsOutputs()
    {
        var output = _folder.File("stem");

        var run = Prune(output, "--method", "channel", "--ratio", "0.5", "--prune-stem", "--check");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var metadata = Checkpoint.ReadMetadata(Path.Combine(output, "model.safetensors"));
        Assert.That((metadata["prune.ranking"], metadata["prune.round_to"], metadata["prune.protect_stem"]), Is.EqualTo(("uniform", "1", "false")));
        Assert.That(((ConvSpec)Checkpoint.ReadSpec(Path.Combine(output, "model.safetensors")).Layer("conv1")).OutChannels, Is.EqualTo(8));
    }

    private static IEnumerable<TestCaseData> BadInputs()
    {
        TestCaseData Case(string name, string expected, params string[] args) => new TestCaseData(args, expected, name == "Unreachable" ? 1 : 2).SetName($"BadInput_{name}");
        yield return Case("RatioZero", "--ratio must be in (0, 1)", "--method", "channel", "--ratio", "0");
        yield return Case("RatioAboveOne", "--ratio must be in (0, 1)", "--method", "channel", "--ratio", "1.5");
        yield return Case("FlopsAboveOne", "--target-flops must be in (0, 1)", "--method", "layer", "--target-flops", "2");
        yield return Case("TwoTargets", "give one target, not 2: --ratio and --target-flops", "--method", "channel", "--ratio", "0.5", "--target-flops", "0.5");
        yield return Case("NoTarget", "give one target", "--method", "channel");
        yield return Case("NoMethod", "--method is required", "--ratio", "0.5");
        yield return Case("UnknownMethod", "--method must be channel or layer", "--method", "filter", "--ratio", "0.5");
        yield return Case("UnknownCriterion", "unknown criterion 'magnitude'", "--method", "channel", "--criterion", "magnitude", "--ratio", "0.5");
        yield return Case("LayerCriterionForChannels", "does not apply to channel pruning", "--method", "channel", "--criterion", "output-change", "--ratio", "0.5");
        yield return Case("ChannelCriterionForLayers", "does not apply to layer pruning", "--method", "layer", "--criterion", "bn", "--ratio", "0.5");
        yield return Case("UnknownLayer", "has no layer 'layer4.0'", "--method", "channel", "--ratio", "0.5", "--protect", "layer1.0,layer4.0");
        yield return Case("Unreachable", "cannot be reached", "--method", "layer", "--target-flops", "0.05");
        yield return Case("RoundToZero", "--round-to must be a whole number of at least 1 or 'tile'", "--method", "channel", "--ratio", "0.5", "--round-to", "0");
        yield return Case("RoundToWord", "--round-to must be a whole number of at least 1 or 'tile' (= 4)", "--method", "channel", "--ratio", "0.5", "--round-to", "warp");
        yield return Case("RoundToForLayers", "--round-to applies to channel pruning only", "--method", "layer", "--ratio", "0.5", "--round-to", "tile");
        yield return Case("UnknownRanking", "--ranking must be uniform or global", "--method", "channel", "--ratio", "0.5", "--ranking", "local");
        yield return Case("RankingForLayers", "--ranking applies to channel pruning only", "--method", "layer", "--ratio", "0.5", "--ranking", "global");
        yield return Case("PruneStemForLayers", "--prune-stem applies to channel pruning only", "--method", "layer", "--ratio", "0.5", "--prune-stem");
        yield return Case("PruneStemAndProtectFirst", "contradict", "--method", "channel", "--ratio", "0.5", "--prune-stem", "--protect-first");
        yield return Case("StepsZero", "--steps must be at least 1", "--method", "channel", "--ratio", "0.5", "--steps", "0");
    }

    [TestCaseSource(nameof(BadInputs))]
    public void BadInputIsAClearErrorAndWritesNothing(string[] args, string expected, int exitCode)
    {
        var output = _folder.File("out");

        var run = Prune(output, args);

        Assert.That(run.ExitCode, Is.EqualTo(exitCode), "2 for a usage error, 1 when pruning finds the target out of reach");
        Assert.That(run.Error, Does.StartWith("error: ").And.Contain(expected));
        Assert.That(Directory.Exists(output) || File.Exists(output), Is.False, "no output");
    }

    [Test]
    public void OutputThatExistsAsAFileIsAnError()
    {
        var output = _folder.File("taken");
        File.WriteAllText(output, "mine");

        var run = Prune(output, "--method", "channel", "--ratio", "0.5");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("exists as a file"));
        Assert.That(File.ReadAllText(output), Is.EqualTo("mine"));
    }

    [Test]
    public void OverwritingTheInputIsAnError()
    {
        var run = Prune(_resnet, "--method", "channel", "--ratio", "0.5");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("would overwrite the input checkpoint"));
    }

    [Test]
    public void ACheckpointThatDoesNotMatchItsSpecIsAnError()
    {
        // resnet20's spec in the metadata, simplecnn's tensors in the file.
        var bad = _folder.File("bad.safetensors");
        var entries = ModelZoo.Create("simplecnn").StateTensors()
            .Select(t => new SafeTensorsEntry(t.Name, t.Shape, () => new float[t.Shape.Aggregate(1, (a, b) => a * b)])).ToList();
        SafeTensorsWriter.Write(bad, entries, new Dictionary<string, string> { [Checkpoint.SpecKey] = ModelZoo.Create("resnet20").ToJson() });
        var output = _folder.File("out");

        var run = CliRunner.Run("prune", "--checkpoint", bad, "--device", "cpu", "--method", "channel", "--ratio", "0.5", "--out", output);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("do not match model spec 'resnet20'"));
        Assert.That(Directory.Exists(output), Is.False);
    }

    [TestCase("prune")]
    [TestCase("finetune")]
    public void EveryOptionIsExplainedInHelp(string command)
    {
        var cmd = CudaPrune.Cli.Program.BuildRoot().Subcommands.Single(c => c.Name == command);

        Assert.That(cmd.Description, Is.Not.Empty);
        Assert.That(cmd.Options.Where(o => o.Name != "--help" && o.Name != "-h" && o.Name != "-?").Select(o => (o.Name, o.Description)),
            Has.All.Matches<(string Name, string? Description)>(o => !string.IsNullOrWhiteSpace(o.Description)));
    }
}
