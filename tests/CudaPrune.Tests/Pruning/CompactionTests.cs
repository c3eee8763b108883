using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Core.Training;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Reporting;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Tests.Pruning;

/// <summary>Physical compaction: gathered weights and momentum, the old model freed, memory reported.</summary>
public class CompactionTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    /// <summary>An optimizer that has taken one step with seeded gradients, so every parameter has a momentum buffer.</summary>
    private static SgdOptimizer SteppedOptimizer(Model model)
    {
        var optimizer = new SgdOptimizer(model.NamedParameters().Select(kv => (kv.Key, kv.Value)), 0.1f);
        var rng = new CudaPrune.Core.SeededRandom(9);
        foreach (var p in model.Parameters())
        {
            using var g = model.Backend.FromArray(Enumerable.Range(0, (int)p.Count).Select(_ => (float)rng.NextNormal()).ToArray(), p.Shape);
            model.Backend.Copy(g, p.GradOrCreate());
        }
        optimizer.Step();
        return optimizer;
    }

    /// <summary>w[o, i, ...] for the kept output and input indices, on the host: the compaction's reference.</summary>
    private static float[] HostGather(float[] w, int[] shape, int[] outs, int[] ins)
    {
        int inner = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        var result = new List<float>();
        foreach (var o in outs)
            foreach (var i in ins)
                result.AddRange(w.Skip((o * shape[1] + i) * inner).Take(inner));
        return result.ToArray();
    }

    [Test]
    public void MomentumIsGatheredLikeItsParameterAndTheOptimizerKeepsStepping()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        using var optimizer = SteppedOptimizer(model);
        var oldMomentum = optimizer.MomentumBuffers["layer2.1.conv1.weight"].ToArray();
        var plan = ChannelPruner.Plan(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5) });
        var outs = plan.Kept[plan.Graph.GroupOf("layer2.1.conv1", ChannelRole.ConvOut)!.Id];
        var ins = plan.Kept[plan.Graph.GroupOf("layer2.1.conv1", ChannelRole.ConvIn)!.Id];
        var result = ChannelPruner.Apply(model, plan, "l1", PruneTarget.Ratio(0.5), disposeSource: false);
        using var pruned = result.Model;

        Compactor.Rebind(optimizer, pruned, result.Compaction);

        var momentum = optimizer.MomentumBuffers["layer2.1.conv1.weight"];
        Assert.That(momentum.Shape, Is.EqualTo(new[] { 16, 16, 3, 3 }));
        Assert.That(momentum.ToArray(), Is.EqualTo(HostGather(oldMomentum, [32, 32, 3, 3], outs, ins)));
        Assert.That(optimizer.MomentumBuffers.Keys, Is.EquivalentTo(pruned.NamedParameters().Select(kv => kv.Key)));
        foreach (var p in pruned.Parameters()) p.GradOrCreate();
        Assert.That(() => optimizer.Step(), Throws.Nothing, "the buffers fit the new parameters");
    }

    [Test]
    public void AConvBeforeFlattenTakesItsBlocksOfLinearColumnsWithIt()
    {
        using var model = PruningFixtures.Model(_cpu, "simplecnn");
        var graph = DependencyGraph.Build(model.Spec);
        var removed = new[] { 1, 3, 127 };
        var plan = ChannelPlan.Removing(graph, new Dictionary<int, int[]> { [graph.GroupOf("conv2", ChannelRole.ConvOut)!.Id] = removed });
        var fc = model.StateDict()["fc.weight"].ToArray(); // [10, 128·8·8]
        var kept = Enumerable.Range(0, 128).Except(removed).ToArray();
        var expected = Enumerable.Range(0, 10).SelectMany(o => kept.SelectMany(c => fc.Skip(o * 8192 + c * 64).Take(64))).ToArray();

        var result = ChannelPruner.Apply(model, plan, "manual", PruneTarget.Ratio(0.1), disposeSource: false);
        using var pruned = result.Model;

        Assert.That(pruned.StateDict()["fc.weight"].Shape, Is.EqualTo(new[] { 10, 125 * 64 }));
        Assert.That(pruned.StateDict()["fc.weight"].ToArray(), Is.EqualTo(expected));
        Assert.That(pruned.StateDict()["fc.bias"].ToArray(), Is.EqualTo(model.StateDict()["fc.bias"].ToArray()), "the classes stay");
    }

    [Test]
    public void MomentumOfRemovedAndRebuiltLayersIsDropped()
    {
        using var model = PruningFixtures.Model(_cpu, "simplecnn");
        using var optimizer = SteppedOptimizer(model);
        var plan = LayerPlan.Create(model.Spec, LayerCandidates.Find(model.Spec, false, true, []));

        var momentum = Compactor.CompactMomentum(optimizer.MomentumBuffers, plan.ToCompaction());

        Assert.That(momentum.Keys, Is.EquivalentTo(new[] { "conv1.weight", "conv1.bias" }), "conv2 removed, fc rebuilt: their momentum restarts");
        Assert.That(momentum["conv1.weight"].ToArray(), Is.EqualTo(optimizer.MomentumBuffers["conv1.weight"].ToArray()));
        Assert.That(momentum["conv1.weight"], Is.Not.SameAs(optimizer.MomentumBuffers["conv1.weight"]));
        foreach (var t in momentum.Values) t.Dispose();
    }

    [Test]
    public void TheSourceModelIsFreedAndMemoryIsReported()
    {
        var model = PruningFixtures.Model(_cpu, "resnet20");
        var oldTensors = model.StateDict().Values.ToList();

        var result = ChannelPruner.Prune(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5) });
        using var pruned = result.Model;

        Assert.That(oldTensors.All(t => t.IsDisposed), Is.True);
        Assert.That(result.Memory.StateBytesAfter, Is.EqualTo(pruned.Spec.StateTensors().Sum(t => t.Shape.Aggregate(4L, (a, b) => a * b))));
        Assert.That(result.Memory.StateBytesAfter, Is.LessThan(result.Memory.StateBytesBefore / 3), "about a quarter of the weights are left");
        Assert.That(result.Memory.DeviceBytesBefore, Is.Null, "the CPU backend has no device allocator");
        Assert.That(pruned.IsTraining, Is.False, "the mode carries over");
    }

    [Test]
    public void ThePerLayerTableComparesEveryLayer()
    {
        using var model = PruningFixtures.Model(_cpu, "resnet20");
        var result = ChannelPruner.Prune(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), DisposeSource = false });
        using var pruned = result.Model;

        Assert.That(result.Layers.Select(r => r.Name), Is.EqualTo(result.Before.Layers.Select(r => r.Name)));
        Assert.That(result.Layers.Sum(r => r.FlopsAfter), Is.EqualTo(result.After.Flops));
        Assert.That(result.Layers.Single(r => r.Name == "layer1.0.conv1").Change, Is.EqualTo("out 16→8"), "its input is the stem's group, protected by default");
        Assert.That(result.Layers.Single(r => r.Name == "layer2.0.conv2").Change, Is.EqualTo("in 32→16, out 32→16"));
        Assert.That(result.Layers.Single(r => r.Name == "linear").Change, Is.EqualTo("in 64→32"));
        var text = PruneReport.ToText(result);
        Assert.That(text, Does.Contain("layer3.2.bn2").And.Contain("total"));
    }

    [Test]
    public void ALayerReplacedByItsShortcutAppearsAsNewRows()
    {
        var spec = ModelZoo.Create("resnet20");
        var plan = LayerPlan.Create(spec, LayerCandidates.Find(spec, true, false, []).Where(c => c.Name == "layer3.0").ToList());

        var rows = PruneReport.Compare(ModelStats.Compute(spec), ModelStats.Compute(plan.NewSpec), plan.Rebuilt);

        Assert.That(rows.Single(r => r.Name == "layer3.0.conv1").Change, Is.EqualTo("removed"));
        Assert.That(rows.Single(r => r.Name == "layer3.0.relu").Change, Is.EqualTo("new"));
        Assert.That(rows.Single(r => r.Name == "layer3.0.shortcut.0").Change, Is.EqualTo(""));
        Assert.That(rows.FindIndex(r => r.Name == "layer3.0.relu"), Is.GreaterThan(rows.FindIndex(r => r.Name == "layer3.0.shortcut.1")));
    }

    [Test]
    public void APlanMustGiveEveryTensorASource()
    {
        var spec = ModelZoo.Create("simplecnn");
        var sources = spec.StateTensors().Skip(1).ToDictionary(t => t.Name, t => (TensorSource)GatherSource.Copy(t.Name));

        Assert.That(() => new CompactionPlan(spec, sources, 1), Throws.ArgumentException.With.Message.Contains("conv1.weight"));
    }

    [Test]
    public void APlanCannotEmptyAGroup()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("simplecnn"));
        var kept = graph.Groups.Select(g => Enumerable.Range(0, g.Channels).ToArray()).ToList();
        kept[1] = [];

        Assert.That(() => new ChannelPlan(graph, kept), Throws.ArgumentException.With.Message.Contains("at least one"));
    }

    [Test]
    public void IndexSelectStaysOnTheBackend()
    {
        // The compaction gathers with the backend's IndexSelect: the result lives on the same backend as the source.
        using var model = PruningFixtures.Model(_cpu, "simplecnn");
        var result = ChannelPruner.Prune(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), DisposeSource = false });
        using var pruned = result.Model;

        Assert.That(pruned.StateDict().Values.All(t => ReferenceEquals(t.Backend, _cpu) && t.DType == DType.Float32), Is.True);
    }
}
