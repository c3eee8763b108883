using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>Linear forward/backward: fast (GEMM) against the reference, and a hand-computed case.</summary>
public class CpuLinearTests
{
    private const double Atol = 1e-4, Rtol = 1e-4;

    [TestCase(1, 1, 1)]
    [TestCase(3, 7, 5)]
    [TestCase(17, 70, 10)]
    [TestCase(128, 300, 33)]
    public void FastMatchesTheReference(int N, int IN, int OUT)
    {
        var fast = new CpuBackend();
        var reference = new CpuBackend(useFastPaths: false);
        var random = new Random(N * 1000 + IN);
        var x = CpuTestData.Uniform(random, N * IN);
        var w = CpuTestData.Uniform(random, OUT * IN);
        var b = CpuTestData.Uniform(random, OUT);
        var dy = CpuTestData.Uniform(random, N * OUT);
        var dx0 = CpuTestData.Uniform(random, N * IN);
        var dw0 = CpuTestData.Uniform(random, OUT * IN);
        var db0 = CpuTestData.Uniform(random, OUT);
        var results = new List<float[]>[2];
        foreach (var (backend, slot) in new[] { (fast, 0), (reference, 1) })
        {
            var y = backend.LinearForward(backend.FromArray(x, [N, IN]), backend.FromArray(w, [OUT, IN]), backend.FromArray(b, [OUT]));
            var yNoBias = backend.LinearForward(backend.FromArray(x, [N, IN]), backend.FromArray(w, [OUT, IN]), null);
            var dx = backend.FromArray(dx0, [N, IN]);
            var dw = backend.FromArray(dw0, [OUT, IN]);
            var db = backend.FromArray(db0, [OUT]);
            backend.LinearBackward(backend.FromArray(dy, [N, OUT]), backend.FromArray(x, [N, IN]), backend.FromArray(w, [OUT, IN]), dx, dw, db);
            results[slot] = [y.ToArray(), yNoBias.ToArray(), dx.ToArray(), dw.ToArray(), db.ToArray()];
        }
        string[] names = ["y", "y without bias", "dx", "dw", "db"];
        for (int i = 0; i < names.Length; i++)
            CpuTestData.AssertClose(results[0][i], results[1][i], Atol * Math.Sqrt(N), Rtol, names[i]);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void HandComputedCase(bool useFastPaths)
    {
        // x = [[1, 2]], w = [[1, 0], [2, -1], [0, 3]], b = [0.5, 0, -1]: y = [1.5, 0, 5].
        var be = new CpuBackend(useFastPaths);
        var x = be.FromArray([1f, 2f], [1, 2]);
        var w = be.FromArray([1f, 0f, 2f, -1f, 0f, 3f], [3, 2]);
        var y = be.LinearForward(x, w, be.FromArray([0.5f, 0f, -1f], [3]));
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 1.5f, 0f, 5f }));

        // dy = [[1, 1, 1]]: dx = dy·w = [3, 2]; dw = dyᵀ·x = rows [1, 2]; db = [1, 1, 1]. Only dx and db asked for.
        var dx = be.Zeros([1, 2]);
        var db = be.Zeros([3]);
        be.LinearBackward(be.FromArray([1f, 1f, 1f], [1, 3]), x, w, dx, null, db);
        Assert.That(dx.ToArray(), Is.EqualTo(new[] { 3f, 2f }));
        Assert.That(db.ToArray(), Is.EqualTo(new[] { 1f, 1f, 1f }));
    }
}
