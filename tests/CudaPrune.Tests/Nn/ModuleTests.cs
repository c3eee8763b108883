using CudaPrune.Core;
using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Nn;

public class ModuleTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    /// <summary>Records the layer scope its forward runs in.</summary>
    private sealed class Probe : Module
    {
        public string? SeenScope { get; private set; }

        protected override Tensor Forward(Tensor x)
        {
            SeenScope = LayerScope.Current;
            return x;
        }
    }

    [Test]
    public void CallRunsForwardInsideTheModulesLayerScope()
    {
        var probe = new Probe();
        using var root = new Sequential([new KeyValuePair<string, Module>("features", new Sequential(new Relu(), probe))]);
        using var x = _cpu.Zeros([1, 1, 2, 2]);
        using (GradMode.NoGrad()) root.Call(x).Dispose();
        Assert.That(probe.Path, Is.EqualTo("features.1"));
        Assert.That(probe.SeenScope, Is.EqualTo("features.1"));
        Assert.That(LayerScope.Current, Is.EqualTo(""), "the scope is left after the call");
    }

    [Test]
    public void ParametersAndBuffersCarryTheirStateDictNames()
    {
        var spec = ModelZoo.Create("resnet20");
        using var model = ModelBuilder.Build(spec, _cpu, seed: 1);
        var parameters = model.NamedParameters().ToList();
        var buffers = model.NamedBuffers().ToList();
        Assert.That(parameters.Select(p => p.Key), Is.EqualTo(spec.StateTensors().Where(t => !t.IsBuffer).Select(t => t.Name)));
        Assert.That(buffers.Select(p => p.Key), Is.EqualTo(spec.StateTensors().Where(t => t.IsBuffer).Select(t => t.Name)));
        Assert.That(parameters.All(p => p.Value.RequiresGrad && p.Value.Name == p.Key), Is.True);
        Assert.That(buffers.All(b => !b.Value.RequiresGrad && b.Value.Name == b.Key), Is.True);
        Assert.That(model.Module("layer2.0.shortcut.0"), Is.InstanceOf<Conv2d>());
        Assert.That(((BasicBlock)model.Module("layer1.1")).Shortcut, Is.Null, "identity shortcut");
    }

    private static IEnumerable<string> ZooNames() => ModelZoo.Names;

    [TestCaseSource(nameof(ZooNames))]
    public void ABuiltModelHoldsExactlyTheSpecsTensors(string name)
    {
        var spec = ModelZoo.Create(name);
        using var model = ModelBuilder.Build(spec, _cpu, seed: 1);
        var state = model.StateDict();
        Assert.That(state.Select(kv => new StateTensorSpec(kv.Key, kv.Value.Shape, !kv.Value.RequiresGrad)), Is.EqualTo(spec.StateTensors()));
        Assert.That(model.Parameters().Sum(p => p.Count), Is.EqualTo(ModelStats.Compute(spec).Params));
    }

    [TestCaseSource(nameof(ZooNames))]
    public void EveryZooModelMapsABatchOfImagesToTenLogits(string name)
    {
        using var model = ModelBuilder.Build(ModelZoo.Create(name), _cpu, seed: 3);
        model.Eval();
        using var scope = DisposeScope.Begin();
        using var _ = GradMode.NoGrad();
        var x = _cpu.FromArray(Enumerable.Range(0, 2 * 3 * 32 * 32).Select(i => MathF.Sin(i * 0.01f)).ToArray(), [2, 3, 32, 32]);
        var logits = model.Forward(x);
        Assert.That(logits.Shape, Is.EqualTo(new[] { 2, 10 }));
        Assert.That(logits.ToArray().All(float.IsFinite), Is.True);
    }

    [Test]
    public void ParametersOutliveTheDisposeScopeTheyWereBuiltIn()
    {
        Model model;
        using (DisposeScope.Begin()) model = ModelBuilder.Build(ModelZoo.Create("simplecnn"), _cpu, seed: 1);
        using (model)
            Assert.That(model.StateDict().Values.Any(t => t.IsDisposed), Is.False);
    }

    [Test]
    public void TheSameSeedGivesTheSameWeightsAndAnotherSeedOthers()
    {
        var spec = ModelZoo.Create("resnet20");
        using var a = ModelBuilder.Build(spec, _cpu, seed: 42);
        using var b = ModelBuilder.Build(spec, _cpu, seed: 42);
        using var c = ModelBuilder.Build(spec, _cpu, seed: 43);
        foreach (var (name, t) in a.StateDict())
            Assert.That(BitExact.Same(b.StateDict()[name], t), Is.True, name);
        Assert.That(BitExact.Same(c.StateDict()["layer1.0.conv1.weight"], a.StateDict()["layer1.0.conv1.weight"]), Is.False);
        Assert.That(BitExact.Same(a.StateDict()["layer1.0.conv1.weight"], a.StateDict()["layer1.1.conv1.weight"]), Is.False,
            "layers of the same shape get different values");
    }

    [Test]
    public void ARewrittenSpecKeepsTheInitialWeightsOfTheLayersItKeeps()
    {
        var spec = ModelZoo.Create("simplecnn");
        var shallow = spec.RemoveLayers("conv2", "relu2", "pool2").ReplaceLayer("fc", new LinearSpec("fc", 64 * 16 * 16, 10));
        using var a = ModelBuilder.Build(spec, _cpu, seed: 5);
        using var b = ModelBuilder.Build(shallow, _cpu, seed: 5);
        Assert.That(BitExact.Same(b.StateDict()["conv1.weight"], a.StateDict()["conv1.weight"]), Is.True);
        Assert.That(b.StateDict()["fc.weight"].Shape, Is.EqualTo(new[] { 10, 16384 }));
    }

    [Test]
    public void InitialWeightsFollowTheirInitRules()
    {
        using var model = ModelBuilder.Build(ModelZoo.Create("resnet20"), _cpu, seed: 9);
        var state = model.StateDict();
        // Kaiming normal, fan_out: std = sqrt(2 / (OC·K·K)).
        var w = state["layer3.1.conv2.weight"].ToArray();
        double mean = w.Average(v => (double)v);
        double std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        Assert.That(mean, Is.EqualTo(0).Within(0.002));
        Assert.That(std, Is.EqualTo(Math.Sqrt(2.0 / (64 * 9))).Within(0.02 * Math.Sqrt(2.0 / (64 * 9))));
        // PyTorch's nn.Linear: U(-1/sqrt(in), 1/sqrt(in)).
        var fc = state["linear.weight"].ToArray();
        Assert.That(fc.Max(), Is.LessThanOrEqualTo(1 / MathF.Sqrt(64)));
        Assert.That(fc.Min(), Is.GreaterThanOrEqualTo(-1 / MathF.Sqrt(64)));
        Assert.That(fc.Max() - fc.Min(), Is.GreaterThan(1.5f / MathF.Sqrt(64)), "spread over the interval");
        Assert.That(state["bn1.weight"].ToArray(), Is.All.EqualTo(1f));
        Assert.That(state["bn1.bias"].ToArray(), Is.All.EqualTo(0f));
        Assert.That(state["bn1.running_mean"].ToArray(), Is.All.EqualTo(0f));
        Assert.That(state["bn1.running_var"].ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void TrainAndEvalReachEveryModule()
    {
        using var model = ModelBuilder.Build(ModelZoo.Create("resnet20"), _cpu, seed: 1);
        Assert.That(model.IsTraining, Is.True, "modules start in training mode, as in PyTorch");
        model.Eval();
        Assert.That(model.Root.NamedModules().All(m => !m.Value.IsTraining), Is.True);
        model.Train();
        Assert.That(model.Root.NamedModules().All(m => m.Value.IsTraining), Is.True);
    }

    [Test]
    public void BatchNormUsesBatchStatisticsInTrainingAndRunningStatisticsInEval()
    {
        using var bn = BatchNorm2d.Create(_cpu, 2);
        using var scope = DisposeScope.Begin();
        // Channel 0 holds 1..8, channel 1 holds 10·(1..8); batch of 2, 2x2 planes.
        var values = new float[16];
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < 4; i++)
                    values[n * 8 + c * 4 + i] = (c == 0 ? 1 : 10) * (n * 4 + i + 1);
        var x = _cpu.FromArray(values, [2, 2, 2, 2]);

        var train = bn.Call(x).ToArray();
        float channel0Mean = (train[0] + train[1] + train[2] + train[3] + train[8] + train[9] + train[10] + train[11]) / 8;
        Assert.That(channel0Mean, Is.EqualTo(0f).Within(1e-5f), "normalised with the batch mean");
        Assert.That(bn.RunningMean.ToArray(), Is.EqualTo(new[] { 0.1f * 4.5f, 0.1f * 45f }).Within(1e-4f), "running mean moved by momentum 0.1");

        bn.Eval();
        using (GradMode.NoGrad())
        {
            var eval = bn.Call(x).ToArray();
            var rm = bn.RunningMean.ToArray();
            var rv = bn.RunningVar.ToArray();
            Assert.That(eval[5], Is.EqualTo((values[5] - rm[1]) / MathF.Sqrt(rv[1] + 1e-5f)).Within(1e-4f), "normalised with the running statistics");
        }
        Assert.That(bn.RunningMean.ToArray(), Is.EqualTo(new[] { 0.1f * 4.5f, 0.1f * 45f }).Within(1e-4f), "eval leaves the statistics alone");
    }

    [Test]
    public void ABasicBlockComputesReluOfResidualPlusShortcut()
    {
        var rng = new SeededRandom(1);
        using var block = BasicBlock.Create(_cpu, 4, 6, 8, 2, projection: true, rng);
        block.Eval();
        using var scope = DisposeScope.Begin();
        using var _ = GradMode.NoGrad();
        var x = _cpu.FromArray(Enumerable.Range(0, 2 * 4 * 6 * 6).Select(i => MathF.Cos(i)).ToArray(), [2, 4, 6, 6]);
        Tensor Bn(BatchNorm2d b, Tensor t) => Ops.BatchNorm2d(t, b.Weight, b.Bias, b.RunningMean, b.RunningVar, false, 0.1f, 1e-5f);
        var branch = Bn(block.Bn2, Ops.Conv2d(Ops.Relu(Bn(block.Bn1, Ops.Conv2d(x, block.Conv1.Weight, null, 2, 1))), block.Conv2.Weight, null, 1, 1));
        var shortcut = Bn((BatchNorm2d)block.Shortcut!.Children().ElementAt(1), Ops.Conv2d(x, ((Conv2d)block.Shortcut.Children().First()).Weight, null, 2, 0));
        var expected = Ops.Relu(Ops.Add(branch, shortcut)).ToArray();
        var y = block.Call(x);
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 8, 3, 3 }));
        Assert.That(y.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void AnIdentityBlockWithItsLastBatchNormZeroedPassesItsInputThrough()
    {
        // What layer pruning relies on: a block whose residual branch outputs zero is the identity on ReLU outputs.
        using var block = BasicBlock.Create(_cpu, 4, 4, 4, 1, projection: false, new SeededRandom(2));
        block.Eval();
        _cpu.Fill(block.Bn2.Weight, 0f);
        _cpu.Fill(block.Bn2.Bias, 0f);
        using var scope = DisposeScope.Begin();
        using var _ = GradMode.NoGrad();
        var input = Enumerable.Range(0, 4 * 4 * 5 * 5).Select(i => MathF.Max(0, MathF.Sin(i))).ToArray();
        var y = block.Call(_cpu.FromArray(input, [4, 4, 5, 5]));
        Assert.That(y.ToArray(), Is.EqualTo(input));
    }

    [Test]
    public void BackwardReachesEveryParameter()
    {
        using var model = ModelBuilder.Build(ModelZoo.Create("resnet20"), _cpu, seed: 1);
        using (var scope = DisposeScope.Begin())
        {
            var x = _cpu.FromArray(Enumerable.Range(0, 2 * 3 * 32 * 32).Select(i => MathF.Sin(i * 0.37f)).ToArray(), [2, 3, 32, 32]);
            var loss = Ops.CrossEntropy(model.Forward(x), _cpu.FromArray(new[] { 3, 7 }, [2]));
            loss.Backward();
        }
        foreach (var (name, p) in model.NamedParameters())
        {
            Assert.That(p.Grad, Is.Not.Null, name);
            Assert.That(p.Grad!.ToArray().Any(g => g != 0f), Is.True, $"{name} got a non-zero gradient");
        }
        model.ZeroGrad();
        Assert.That(model.Parameters().All(p => p.Grad!.ToArray().All(g => g == 0f)), Is.True);
    }

    [Test]
    public void ForwardRejectsAnInputOfAnotherShape()
    {
        using var model = ModelBuilder.Build(ModelZoo.Create("simplecnn"), _cpu, seed: 1);
        using var x = _cpu.Zeros([2, 1, 32, 32]);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(x));
        Assert.That(e!.Message, Does.Contain("[N,3,32,32]"));
    }

    [Test]
    public void DisposingAModelFreesItsTensors()
    {
        var model = ModelBuilder.Build(ModelZoo.Create("simplecnn"), _cpu, seed: 1);
        var tensors = model.StateDict().Values.ToList();
        model.Dispose();
        Assert.That(tensors.All(t => t.IsDisposed), Is.True);
    }
}
