using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// What inference relies on, on the CPU twins: a folded batch norm plus the fused conv gives the
/// conv → eval batch norm → ReLU it replaces, and the fused op without ReLU is the plain conv.
/// </summary>
public class InferenceFoldingTests
{
    private static readonly Conv2dGeometry Geometry = new(2, 5, 7, 6, 6, 3, 2, 1);

    [TestCase(true)]
    [TestCase(false)]
    public void FoldedConvWithFusedReluEqualsConvThenEvalBatchNormThenRelu(bool convBias)
    {
        using var cpu = new CpuBackend();
        var random = new Random(7);
        var g = Geometry;
        using var x = cpu.FromArray(Values(random, g.N * g.C * g.H * g.W), g.InputShape);
        using var w = cpu.FromArray(Values(random, g.OC * g.C * g.K * g.K), g.WeightShape);
        using var b = convBias ? cpu.FromArray(Values(random, g.OC), [g.OC]) : null;
        using var gamma = cpu.FromArray(Values(random, g.OC), [g.OC]);
        using var beta = cpu.FromArray(Values(random, g.OC), [g.OC]);
        using var mean = cpu.FromArray(Values(random, g.OC), [g.OC]);
        using var variance = cpu.FromArray(Values(random, g.OC).Select(v => 1.1f + v).ToArray(), [g.OC]);
        const float eps = 1e-5f;

        using var conv = cpu.Conv2dForward(x, w, b, g);
        using var normalised = cpu.BatchNormEvalForward(conv, gamma, beta, mean, variance, eps);
        using var expected = cpu.ReluForward(normalised);
        var (folded, foldedBias) = cpu.FoldBatchNorm(w, b, gamma, beta, mean, variance, eps);
        using (folded)
        using (foldedBias)
        using (var actual = cpu.Conv2dBiasReluForward(x, folded, foldedBias, g, relu: true))
        {
            Assert.That(actual.ToArray(), Is.EqualTo(expected.ToArray()).Within(1e-5f));
            Assert.That(actual.ToArray().Count(v => v == 0f), Is.GreaterThan(0).And.LessThan((int)actual.Count), "ReLU should clip some outputs, not all");
        }
    }

    [Test]
    public void WithoutReluTheFusedConvIsThePlainConv()
    {
        using var cpu = new CpuBackend();
        var random = new Random(8);
        var g = Geometry;
        using var x = cpu.FromArray(Values(random, g.N * g.C * g.H * g.W), g.InputShape);
        using var w = cpu.FromArray(Values(random, g.OC * g.C * g.K * g.K), g.WeightShape);
        using var b = cpu.FromArray(Values(random, g.OC), [g.OC]);

        using var plain = cpu.Conv2dForward(x, w, b, g);
        using var fused = cpu.Conv2dBiasReluForward(x, w, b, g, relu: false);

        Assert.That(fused.ToArray(), Is.EqualTo(plain.ToArray()));
        Assert.That(plain.ToArray().Any(v => v < 0), Is.True, "the plain conv has negative outputs a ReLU would have clipped");
    }

    [Test]
    public void FoldingNamesTheStatisticOfTheWrongSize()
    {
        using var cpu = new CpuBackend();
        using var w = cpu.Zeros([4, 3, 3, 3]);
        using var four = cpu.Zeros([4]);
        using var three = cpu.Zeros([3]);

        var e = Assert.Throws<ArgumentException>(() => cpu.FoldBatchNorm(w, null, four, four, four, three, 1e-5f))!;

        Assert.That(e.Message, Does.Contain("running var").And.Contain("[4]").And.Contain("[3]"));
    }

    private static float[] Values(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
