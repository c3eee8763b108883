using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Training;

namespace CudaPrune.Tests.Training;

public class SgdOptimizerTests
{
    [Test]
    public void TwoStepsFollowPyTorchsRule()
    {
        using var be = new CpuBackend();
        var p = be.FromArray([1f, -2f], [2]);
        p.Grad = be.FromArray([0.5f, 0.25f], [2]);
        using var opt = new SgdOptimizer([("w", p)], learningRate: 0.1f, momentum: 0.9f, weightDecay: 0.01f, nesterov: false);
        opt.Step();
        opt.Step();

        // By hand: g = grad + wd·p; buf = 0.9·buf + g; p -= lr·buf (PyTorch: buf starts as g).
        double[] w = [1, -2], grad = [0.5, 0.25], buf = [0, 0];
        for (int step = 0; step < 2; step++)
            for (int i = 0; i < 2; i++)
            {
                double g = grad[i] + 0.01 * w[i];
                buf[i] = step == 0 ? g : 0.9 * buf[i] + g;
                w[i] -= 0.1 * buf[i];
            }
        Assert.That(p.ToArray(), Is.EqualTo(w.Select(v => (float)v).ToArray()).Within(1e-6));
        Assert.That(opt.MomentumBuffers["w"].ToArray(), Is.EqualTo(buf.Select(v => (float)v).ToArray()).Within(1e-6));
    }

    [Test]
    public void ParametersWithoutGradientsAreLeftAlone()
    {
        using var be = new CpuBackend();
        var p = be.FromArray([1f, 2f], [2]);
        using var opt = new SgdOptimizer([("w", p)], 0.1f);
        opt.Step();
        Assert.That(p.ToArray(), Is.EqualTo(new[] { 1f, 2f }));
        Assert.That(opt.MomentumBuffers, Is.Empty);
    }

    [Test]
    public void RebindDisposesTheBuffersItDoesNotCarryOver()
    {
        using var be = new CpuBackend();
        var a = be.FromArray([1f], [1]);
        var b = be.FromArray([1f], [1]);
        a.Grad = be.FromArray([1f], [1]);
        b.Grad = be.FromArray([1f], [1]);
        using var opt = new SgdOptimizer([("a", a), ("b", b)], 0.1f);
        opt.Step();
        var bufA = opt.MomentumBuffers["a"];
        var bufB = opt.MomentumBuffers["b"];
        opt.Rebind([("a", a)], new Dictionary<string, CudaPrune.Core.Tensors.Tensor> { ["a"] = bufA });
        Assert.That(bufB.IsDisposed, Is.True);
        Assert.That(bufA.IsDisposed, Is.False);
        Assert.That(opt.Parameters.Select(x => x.Name), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void BadHyperParametersAreRefused()
    {
        Assert.That(() => new SgdOptimizer([], 0f), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SgdOptimizer([], 0.1f, momentum: 1f), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SgdOptimizer([], 0.1f, momentum: 0f, nesterov: true), Throws.ArgumentException);
    }
}
