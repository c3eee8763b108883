using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>
/// im2col + GEMM convolution (forward, backward-data, backward-weight) against the naive reference, plus hand-checkable semantics.
/// Backward-data has two fast paths (stride 1 with padding ≤ K-1: a transposed forward; otherwise col2im): the geometries cover both.
/// </summary>
public class CpuConvolutionTests
{
    // Operands in [-1, 1], sums of up to a few thousand products (weight gradient): float32 error stays below this.
    private const double Atol = 2e-4, Rtol = 1e-4;

    private static readonly CpuBackend Reference = new(useFastPaths: false);

    private static IEnumerable<TestCaseData> Geometries()
    {
        // Odd shapes: none is a multiple of the 6x16 register tile.
        Conv2dGeometry[] cases =
        [
            new(N: 3, C: 5, H: 7, W: 7, OC: 6, K: 3, Stride: 1, Padding: 0),
            new(N: 3, C: 5, H: 7, W: 7, OC: 6, K: 3, Stride: 1, Padding: 1),
            new(N: 3, C: 5, H: 7, W: 7, OC: 6, K: 3, Stride: 2, Padding: 0),
            new(N: 3, C: 5, H: 7, W: 7, OC: 6, K: 3, Stride: 2, Padding: 1),
            new(N: 2, C: 3, H: 6, W: 9, OC: 7, K: 1, Stride: 1, Padding: 0),
            new(N: 2, C: 3, H: 6, W: 9, OC: 7, K: 1, Stride: 2, Padding: 0),
            new(N: 2, C: 3, H: 5, W: 4, OC: 4, K: 1, Stride: 1, Padding: 1),   // padding > K-1: backward-data by col2im
            new(N: 2, C: 1, H: 11, W: 10, OC: 17, K: 5, Stride: 1, Padding: 2),
            new(N: 1, C: 30, H: 5, W: 5, OC: 4, K: 3, Stride: 1, Padding: 1),   // CKK = 270 > one depth block
            new(N: 2, C: 2, H: 24, W: 25, OC: 5, K: 3, Stride: 1, Padding: 1),  // P = 600 > one pixel block
            new(N: 3, C: 16, H: 14, W: 14, OC: 20, K: 3, Stride: 1, Padding: 1), // enough work for three threads
            new(N: 2, C: 16, H: 29, W: 21, OC: 5, K: 3, Stride: 1, Padding: 1),  // forward im2col in two panel blocks, partial last panel
            new(N: 1, C: 40, H: 31, W: 31, OC: 3, K: 3, Stride: 2, Padding: 1),  // several panel blocks, strided, depth 360 > one block
        ];
        foreach (var g in cases) yield return new TestCaseData(g).SetArgDisplayNames(g.ToString());
    }

    [TestCaseSource(nameof(Geometries))]
    public void ForwardMatchesTheReference(Conv2dGeometry g)
    {
        var random = new Random(10);
        var x = CpuTestData.Uniform(random, g.N * g.C * g.H * g.W);
        var w = CpuTestData.Uniform(random, g.OC * g.C * g.K * g.K);
        var b = CpuTestData.Uniform(random, g.OC);
        foreach (bool withBias in new[] { true, false })
        {
            var yRef = Reference.Conv2dForward(Reference.FromArray(x, g.InputShape), Reference.FromArray(w, g.WeightShape), withBias ? Reference.FromArray(b, [g.OC]) : null, g).ToArray();
            foreach (var fast in FastBackends())
            {
                var yFast = fast.Conv2dForward(fast.FromArray(x, g.InputShape), fast.FromArray(w, g.WeightShape), withBias ? fast.FromArray(b, [g.OC]) : null, g);
                CpuTestData.AssertClose(yFast.ToArray(), yRef, Atol, Rtol, $"forward (bias {withBias}) on {fast}");
            }
        }
    }

    [TestCaseSource(nameof(Geometries))]
    public void BackwardDataMatchesTheReference(Conv2dGeometry g)
    {
        var random = new Random(11);
        var dy = CpuTestData.Uniform(random, g.N * g.OC * g.OH * g.OW);
        var w = CpuTestData.Uniform(random, g.OC * g.C * g.K * g.K);
        var dx0 = CpuTestData.Uniform(random, g.N * g.C * g.H * g.W); // non-zero: the op must accumulate
        var dxRef = Reference.FromArray(dx0, g.InputShape);
        Reference.Conv2dBackwardData(Reference.FromArray(dy, g.OutputShape), Reference.FromArray(w, g.WeightShape), dxRef, g);
        foreach (var fast in FastBackends())
        {
            var dxFast = fast.FromArray(dx0, g.InputShape);
            fast.Conv2dBackwardData(fast.FromArray(dy, g.OutputShape), fast.FromArray(w, g.WeightShape), dxFast, g);
            CpuTestData.AssertClose(dxFast.ToArray(), dxRef.ToArray(), Atol, Rtol, $"backward-data on {fast}");
        }
    }

    [TestCaseSource(nameof(Geometries))]
    public void BackwardWeightMatchesTheReference(Conv2dGeometry g)
    {
        var random = new Random(12);
        var dy = CpuTestData.Uniform(random, g.N * g.OC * g.OH * g.OW);
        var x = CpuTestData.Uniform(random, g.N * g.C * g.H * g.W);
        var dw0 = CpuTestData.Uniform(random, g.OC * g.C * g.K * g.K);
        var db0 = CpuTestData.Uniform(random, g.OC);
        // The weight gradient sums N·OH·OW products per entry: the tolerance grows with that count.
        double atol = Atol * Math.Sqrt(g.N * g.OH * g.OW);
        var dwRef = Reference.FromArray(dw0, g.WeightShape);
        var dbRef = Reference.FromArray(db0, [g.OC]);
        Reference.Conv2dBackwardWeight(Reference.FromArray(dy, g.OutputShape), Reference.FromArray(x, g.InputShape), dwRef, dbRef, g);
        foreach (var fast in FastBackends())
        foreach (bool withBias in new[] { true, false })
        {
            var dwFast = fast.FromArray(dw0, g.WeightShape);
            var dbFast = withBias ? fast.FromArray(db0, [g.OC]) : null;
            fast.Conv2dBackwardWeight(fast.FromArray(dy, g.OutputShape), fast.FromArray(x, g.InputShape), dwFast, dbFast, g);
            CpuTestData.AssertClose(dwFast.ToArray(), dwRef.ToArray(), atol, Rtol, $"dw (bias {withBias}) on {fast}");
            if (withBias) CpuTestData.AssertClose(dbFast!.ToArray(), dbRef.ToArray(), atol, Rtol, $"db on {fast}");
        }
    }

    [Test]
    public void Vector512KernelMatchesTheReference()
    {
        var g = new Conv2dGeometry(N: 2, C: 3, H: 6, W: 7, OC: 7, K: 3, Stride: 1, Padding: 1);
        var random = new Random(13);
        var x = CpuTestData.Uniform(random, g.N * g.C * g.H * g.W);
        var w = CpuTestData.Uniform(random, g.OC * g.C * g.K * g.K);
        var dy = CpuTestData.Uniform(random, g.N * g.OC * g.OH * g.OW);
        var wide = new CpuBackend(vectorBits: 512);
        var y = wide.Conv2dForward(wide.FromArray(x, g.InputShape), wide.FromArray(w, g.WeightShape), null, g);
        var yRef = Reference.Conv2dForward(Reference.FromArray(x, g.InputShape), Reference.FromArray(w, g.WeightShape), null, g);
        CpuTestData.AssertClose(y.ToArray(), yRef.ToArray(), Atol, Rtol, "forward, 512-bit kernel");
        var dx = wide.Zeros(g.InputShape);
        var dxRef = Reference.Zeros(g.InputShape);
        wide.Conv2dBackwardData(wide.FromArray(dy, g.OutputShape), wide.FromArray(w, g.WeightShape), dx, g);
        Reference.Conv2dBackwardData(Reference.FromArray(dy, g.OutputShape), Reference.FromArray(w, g.WeightShape), dxRef, g);
        CpuTestData.AssertClose(dx.ToArray(), dxRef.ToArray(), Atol, Rtol, "backward-data, 512-bit kernel");
    }

    [TestCaseSource(nameof(AllBackends))]
    public void HandComputedTwoByTwoKernel(CpuBackend backend)
    {
        // x = [[1,2,3],[4,5,6],[7,8,9]], a 2x2 kernel of ones and bias 0.5: each output is its window's sum + 0.5.
        var g = new Conv2dGeometry(N: 1, C: 1, H: 3, W: 3, OC: 1, K: 2, Stride: 1, Padding: 0);
        var x = backend.FromArray([1f, 2, 3, 4, 5, 6, 7, 8, 9], g.InputShape);
        var w = backend.FromArray([1f, 1, 1, 1], g.WeightShape);
        var y = backend.Conv2dForward(x, w, backend.FromArray([0.5f], [1]), g);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 12.5f, 16.5f, 24.5f, 28.5f }));

        // Stride 2, padding 1: windows at (-1,-1), (-1,1), (1,-1), (1,1) see 1, 2+3, 4+7, 5+6+8+9.
        var g2 = g with { Stride = 2, Padding = 1 };
        var y2 = backend.Conv2dForward(x, w, null, g2);
        Assert.That(y2.ToArray(), Is.EqualTo(new[] { 1f, 5f, 11f, 28f }));
    }

    [TestCaseSource(nameof(AllBackends))]
    public void OneByOneConvolutionIsAMatrixProduct(CpuBackend backend)
    {
        // y[n, oc, p] = Σ_c w[oc, c] · x[n, c, p]
        var g = new Conv2dGeometry(N: 2, C: 5, H: 3, W: 4, OC: 7, K: 1, Stride: 1, Padding: 0);
        var random = new Random(14);
        var x = CpuTestData.Uniform(random, g.N * g.C * 12);
        var w = CpuTestData.Uniform(random, g.OC * g.C);
        var expected = new float[g.N * g.OC * 12];
        for (int n = 0; n < g.N; n++)
        for (int oc = 0; oc < g.OC; oc++)
        for (int p = 0; p < 12; p++)
        {
            double sum = 0;
            for (int c = 0; c < g.C; c++) sum += (double)w[oc * g.C + c] * x[(n * g.C + c) * 12 + p];
            expected[(n * g.OC + oc) * 12 + p] = (float)sum;
        }
        var y = backend.Conv2dForward(backend.FromArray(x, g.InputShape), backend.FromArray(w, g.WeightShape), null, g);
        CpuTestData.AssertClose(y.ToArray(), expected, 1e-5, 1e-5, "1x1 convolution");
    }

    [TestCaseSource(nameof(AllBackends))]
    public void BackwardOpsAreTheAdjointsOfTheForward(CpuBackend backend)
    {
        // For y = conv(x, w) (no bias): <y, dy> = <x, backward_data(dy)> = <w, backward_weight(dy, x)>.
        var g = new Conv2dGeometry(N: 2, C: 3, H: 8, W: 7, OC: 4, K: 3, Stride: 2, Padding: 1);
        var random = new Random(15);
        var x = CpuTestData.Uniform(random, g.N * g.C * g.H * g.W);
        var w = CpuTestData.Uniform(random, g.OC * g.C * 9);
        var dy = CpuTestData.Uniform(random, g.N * g.OC * g.OH * g.OW);
        var y = backend.Conv2dForward(backend.FromArray(x, g.InputShape), backend.FromArray(w, g.WeightShape), null, g).ToArray();
        var dx = backend.Zeros(g.InputShape);
        backend.Conv2dBackwardData(backend.FromArray(dy, g.OutputShape), backend.FromArray(w, g.WeightShape), dx, g);
        var dw = backend.Zeros(g.WeightShape);
        backend.Conv2dBackwardWeight(backend.FromArray(dy, g.OutputShape), backend.FromArray(x, g.InputShape), dw, null, g);
        double ydy = Dot(y, dy);
        Assert.That(Dot(x, dx.ToArray()), Is.EqualTo(ydy).Within(1e-4).Percent, "<x, dx>");
        Assert.That(Dot(w, dw.ToArray()), Is.EqualTo(ydy).Within(1e-4).Percent, "<w, dw>");
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    private static CpuBackend[] FastBackends() => [new CpuBackend(), new CpuBackend(threads: 3), new CpuBackend(threads: 1)];

    private static IEnumerable<TestCaseData> AllBackends()
    {
        yield return new TestCaseData(new CpuBackend()).SetArgDisplayNames("fast");
        yield return new TestCaseData(Reference).SetArgDisplayNames("reference");
    }
}
