using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Tensors;
using CudaPrune.Tests.Nn;

namespace CudaPrune.Tests.Models;

public class ModelStateTests
{
    private CpuBackend _cpu = null!;

    [SetUp] public void SetUp() => _cpu = new CpuBackend();
    [TearDown] public void TearDown() => _cpu.Dispose();

    [Test]
    public void LoadStateDictCopiesEveryValue()
    {
        var spec = ModelZoo.Create("simplecnn");
        using var a = ModelBuilder.Build(spec, _cpu, seed: 1);
        using var b = ModelBuilder.Build(spec, _cpu, seed: 2);
        Assert.That(b.LoadStateDict(a.StateDict()), Is.Empty);
        foreach (var (name, t) in a.StateDict())
        {
            Assert.That(BitExact.Same(b.StateDict()[name], t), Is.True, name);
            Assert.That(b.StateDict()[name], Is.Not.SameAs(t), "copied, not shared");
        }
    }

    [Test]
    public void ANonStrictLoadReportsWhatWasNotGiven()
    {
        // The seed article's layer pruning: conv1 survives, the classifier is re-initialised.
        var spec = ModelZoo.Create("simplecnn");
        var shallow = spec.RemoveLayers("conv2", "relu2", "pool2").ReplaceLayer("fc", new LinearSpec("fc", 64 * 16 * 16, 10));
        using var full = ModelBuilder.Build(spec, _cpu, seed: 1);
        using var cut = ModelBuilder.Build(shallow, _cpu, seed: 2);
        var kept = full.StateDict().Where(kv => kv.Key.StartsWith("conv1.", StringComparison.Ordinal)).ToDictionary();
        Assert.That(cut.LoadStateDict(kept, strict: false), Is.EqualTo(new[] { "fc.weight", "fc.bias" }));
        Assert.That(BitExact.Same(cut.StateDict()["conv1.weight"], full.StateDict()["conv1.weight"]), Is.True);

        var e = Assert.Throws<ArgumentException>(() => cut.LoadStateDict(kept));
        Assert.That(e!.Message, Does.Contain("missing tensor 'fc.weight'"));
        e = Assert.Throws<ArgumentException>(() => cut.LoadStateDict(full.StateDict(), strict: false));
        Assert.That(e!.Message, Does.Contain("'fc.weight' has shape [10,8192]"), "a shape mismatch is an error even when not strict");
    }

    [Test]
    public void FromStateTakesTheGivenTensors()
    {
        var spec = ModelZoo.Create("simplecnn");
        using var a = ModelBuilder.Build(spec, _cpu, seed: 1);
        var state = new Dictionary<string, Tensor>();
        using (DisposeScope.Suspend())
            foreach (var (name, t) in a.StateDict()) state[name] = _cpu.FromArray(t.ToArray(), t.Shape);
        using var b = ModelBuilder.FromState(spec, _cpu, state);
        Assert.That(b.StateDict()["fc.weight"], Is.SameAs(state["fc.weight"]));
        Assert.That(((Conv2d)b.Module("conv2")).Weight, Is.SameAs(state["conv2.weight"]));

        var incomplete = state.Where(kv => kv.Key != "fc.bias").ToDictionary();
        var e = Assert.Throws<ArgumentException>(() => ModelBuilder.FromState(spec, _cpu, incomplete));
        Assert.That(e!.Message, Does.Contain("missing tensor 'fc.bias'"));
        Assert.That(incomplete.Values.Any(t => t.IsDisposed), Is.False, "a refused build takes nothing");
    }
}
