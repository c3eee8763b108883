using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>Max, average and global average pooling: hand-checked semantics on both layers, fast against the reference.</summary>
public class CpuPoolingTests
{
    private static IEnumerable<TestCaseData> Backends()
    {
        yield return new TestCaseData(true).SetArgDisplayNames("fast");
        yield return new TestCaseData(false).SetArgDisplayNames("reference");
    }

    [TestCaseSource(nameof(Backends))]
    public void MaxPoolPicksTheMaximumAndRecordsItsIndex(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        // 4x4 plane, 2x2 windows, stride 2.
        float[] x =
        [
            1, 5, 2, 0,
            3, 4, 8, 1,
            0, 0, 6, 7,
            9, 0, 7, 6,
        ];
        var g = new Pool2dGeometry(N: 1, C: 1, H: 4, W: 4, K: 2, Stride: 2, Padding: 0);
        var y = be.MaxPool2dForward(be.FromArray(x, g.InputShape), g, out var argmax);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 5f, 8f, 9f, 7f }));
        Assert.That(argmax.ToIntArray(), Is.EqualTo(new[] { 1, 6, 12, 11 }));

        var dx = be.Zeros(g.InputShape);
        be.MaxPool2dBackward(be.FromArray([1f, 2f, 3f, 4f], g.OutputShape), argmax, dx, g);
        var expected = new float[16];
        expected[1] = 1; expected[6] = 2; expected[12] = 3; expected[11] = 4;
        Assert.That(dx.ToArray(), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Backends))]
    public void MaxPoolPaddingNeverWinsAndTiesGoToTheFirst(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        // All negative, padding 1: a zero pad must not win. Windows of the 3x3 plane at stride 2: rows/cols {-1,0}, {1,2}.
        var g = new Pool2dGeometry(N: 1, C: 1, H: 3, W: 3, K: 2, Stride: 2, Padding: 1);
        var y = be.MaxPool2dForward(be.FromArray([-1f, -2f, -3f, -4f, -5f, -5f, -7f, -8f, -9f], g.InputShape), g, out var argmax);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { -1f, -2f, -4f, -5f }));
        Assert.That(argmax.ToIntArray(), Is.EqualTo(new[] { 0, 1, 3, 4 })); // -5 at 4 and 5: the first wins
    }

    [TestCaseSource(nameof(Backends))]
    public void AvgPoolCountsPaddedCellsInTheDivisor(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        var g = new Pool2dGeometry(N: 1, C: 1, H: 2, W: 2, K: 2, Stride: 1, Padding: 1);
        var y = be.AvgPool2dForward(be.FromArray([1f, 1f, 1f, 1f], g.InputShape), g);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f }));

        // Backward: each input cell is in 4 windows, each passing dy/4.
        var dx = be.Zeros(g.InputShape);
        be.AvgPool2dBackward(be.FromArray(Enumerable.Repeat(1f, 9).ToArray(), g.OutputShape), dx, g);
        Assert.That(dx.ToArray(), Is.EqualTo(new[] { 1f, 1f, 1f, 1f }));
    }

    [TestCaseSource(nameof(Backends))]
    public void GlobalAvgPoolAveragesEachPlane(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        var x = be.FromArray([1f, 2f, 3f, 4f, 10f, 20f, 30f, 40f], [1, 2, 2, 2]);
        var y = be.GlobalAvgPoolForward(x);
        Assert.That(y.Shape, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 2.5f, 25f }));
        var dx = be.FromArray([1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f], [1, 2, 2, 2]);
        be.GlobalAvgPoolBackward(be.FromArray([4f, -8f], [1, 2]), dx);
        Assert.That(dx.ToArray(), Is.EqualTo(new[] { 2f, 2f, 2f, 2f, -2f, -2f, -2f, -2f }));
    }

    [TestCase(2, 2, 0)]
    [TestCase(3, 2, 1)]
    [TestCase(3, 1, 1)]
    [TestCase(5, 3, 2)]
    public void FastMatchesTheReference(int K, int stride, int padding)
    {
        var g = new Pool2dGeometry(N: 3, C: 5, H: 11, W: 9, K: K, Stride: stride, Padding: padding);
        var random = new Random(K * 100 + stride * 10 + padding);
        var x = CpuTestData.Uniform(random, g.N * g.C * g.H * g.W);
        var dy = CpuTestData.Uniform(random, g.N * g.C * g.OH * g.OW);
        var dx0 = CpuTestData.Uniform(random, x.Length);
        var results = new List<float[]>();
        var argmaxes = new List<int[]>();
        foreach (var be in new[] { new CpuBackend(threads: 3), new CpuBackend(useFastPaths: false) })
        {
            var xt = be.FromArray(x, g.InputShape);
            var max = be.MaxPool2dForward(xt, g, out var argmax);
            var dxMax = be.FromArray(dx0, g.InputShape);
            be.MaxPool2dBackward(be.FromArray(dy, g.OutputShape), argmax, dxMax, g);
            var avg = be.AvgPool2dForward(xt, g);
            var dxAvg = be.FromArray(dx0, g.InputShape);
            be.AvgPool2dBackward(be.FromArray(dy, g.OutputShape), dxAvg, g);
            var global = be.GlobalAvgPoolForward(xt);
            var dxGlobal = be.FromArray(dx0, g.InputShape);
            be.GlobalAvgPoolBackward(be.FromArray(CpuTestData.Uniform(new Random(1), g.N * g.C), [g.N, g.C]), dxGlobal);
            results.AddRange([max.ToArray(), dxMax.ToArray(), avg.ToArray(), dxAvg.ToArray(), global.ToArray(), dxGlobal.ToArray()]);
            argmaxes.Add(argmax.ToIntArray());
        }
        Assert.That(argmaxes[0], Is.EqualTo(argmaxes[1]), "argmax");
        string[] names = ["max", "max dx", "avg", "avg dx", "global", "global dx"];
        for (int i = 0; i < names.Length; i++) CpuTestData.AssertClose(results[i], results[i + names.Length], 1e-6, 1e-5, names[i]);
    }
}
