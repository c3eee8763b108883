using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Tensors;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Checkpoints;

/// <summary>A checkpoint must be finite to load: NaN or ±Inf fails naming the tensor, unless the caller (the CLI's --allow-nonfinite) accepts it.</summary>
[NonParallelizable] // the CLI cases redirect the console
public class NonFiniteCheckpointTests
{
    private TempFolder _folder = null!;
    private string _checkpoint = null!;
    private string _weight = null!, _bias = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");
        var state = model.StateDict();
        _weight = state.Keys.First(k => k.EndsWith(".weight", StringComparison.Ordinal));
        _bias = state.Keys.Last(k => k.EndsWith(".bias", StringComparison.Ordinal));
        state[_weight].Span<float>()[5] = float.NaN;
        _checkpoint = _folder.File("nan.safetensors");
        Checkpoint.Save(model, _checkpoint);
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public void LoadingANaNWeightFailsNamingTheTensorTheCountAndTheFirstIndex()
    {
        using var cpu = new CpuBackend();
        var e = Assert.Throws<NonFiniteTensorException>(() => Checkpoint.Load(_checkpoint, cpu))!;
        Assert.That(e.TensorName, Is.EqualTo(_weight));
        Assert.That((e.Values.Count, e.Values.FirstIndex, float.IsNaN(e.Values.FirstValue)), Is.EqualTo((1L, 5L, true)));
        Assert.That(e.Message, Does.Contain($"'{_weight}'").And.Contain("1 non-finite value").And.Contain("index 5"));
        Assert.That(e.Message, Does.Not.Contain("--"), "library code names no CLI flag");
    }

    [Test]
    public void AnAcceptorLoadsAnywayAndHearsOfEveryNonFiniteTensor()
    {
        using (var cpu = new CpuBackend())
        using (var model = Checkpoint.Load(_checkpoint, cpu, _ => { }))
        {
            var bias = model.StateDict()[_bias].Span<float>();
            bias[0] = float.PositiveInfinity;
            bias[1] = float.NegativeInfinity;
            Checkpoint.Save(model, _checkpoint);
        }
        var seen = new List<NonFiniteValues>();
        using var cpu2 = new CpuBackend();
        using var loaded = Checkpoint.Load(_checkpoint, cpu2, seen.Add);
        Assert.That(seen.Select(v => (v.TensorName, v.Count, v.FirstIndex)), Is.EqualTo(new[] { (_weight, 1L, 5L), (_bias, 2L, 0L) }));
        Assert.That(float.IsNaN(loaded.StateDict()[_weight].ToArray()[5]), "loaded as it is");
    }

    [Test]
    public void EvalOfACheckpointWithOneNaNWeightExitsNonZeroNamingIt()
    {
        using var data = new CifarFixture(trainPerClass: 1, testPerClass: 1);
        string dataFolder = data.WriteBatchesFolder(data.Root);
        var r = CliRunner.Run("eval", "--checkpoint", _checkpoint, "--device", "cpu", "--data", dataFolder);
        Assert.That(r.ExitCode, Is.Not.Zero, r.Out + r.Error);
        Assert.That(r.Error, Does.Contain($"'{_weight}'").And.Contain("non-finite").And.Contain("--allow-nonfinite"));

        var allowed = CliRunner.Run("eval", "--checkpoint", _checkpoint, "--device", "cpu", "--data", dataFolder, "--allow-nonfinite");
        Assert.That(allowed.Error, Does.Contain("warning:").And.Contain($"'{_weight}'"));
        Assert.That(allowed.ExitCode, Is.Zero, allowed.Out + allowed.Error);
    }

    [Test]
    public void ExportRefusesItTooAndEveryCheckpointCommandTakesTheOption()
    {
        var r = CliRunner.Run("export", "--checkpoint", _checkpoint, "--out", _folder.File("m.onnx"));
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Error, Does.Contain($"'{_weight}'").And.Contain("--allow-nonfinite"));
        foreach (var command in new[] { "eval", "prune", "finetune", "profile", "export" })
            Assert.That(CliRunner.Run(command, "--help").Out, Does.Contain("--allow-nonfinite"), command);
    }
}
