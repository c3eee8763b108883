using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>The packed SIMD SGEMM against the naive reference, over edge-heavy sizes, every transpose and alpha/beta.</summary>
public class CpuGemmTests
{
    // Operands in [-1, 1], sums of up to 300 products: float32 rounding stays far below this.
    private const double Atol = 1e-4, Rtol = 1e-4;

    private static readonly CpuBackend Reference = new(useFastPaths: false);

    private static IEnumerable<TestCaseData> Transposes()
    {
        foreach (var ta in new[] { false, true })
        foreach (var tb in new[] { false, true })
            yield return new TestCaseData(ta, tb).SetArgDisplayNames($"transA={ta}", $"transB={tb}");
    }

    [TestCaseSource(nameof(Transposes))]
    public void OddSizesMatchTheReference(bool transA, bool transB)
    {
        var fast = new CpuBackend();
        var random = new Random(1);
        int[] ms = [1, 5, 6, 7, 13, 70];
        int[] ns = [1, 3, 15, 16, 17, 33, 70];
        int[] ks = [1, 7, 70];
        foreach (int m in ms)
        foreach (int n in ns)
        foreach (int k in ks)
            Check(fast, random, transA, transB, m, n, k, alpha: 1f, beta: 0f);
    }

    [TestCaseSource(nameof(Transposes))]
    public void AlphaAndBetaMatchTheReference(bool transA, bool transB)
    {
        var fast = new CpuBackend();
        var random = new Random(2);
        foreach (var (alpha, beta) in new[] { (1f, 1f), (0.5f, -2f), (-1.5f, 0.25f), (0f, 3f), (2f, 0f) })
        {
            Check(fast, random, transA, transB, 13, 17, 9, alpha, beta);
            Check(fast, random, transA, transB, 6, 32, 1, alpha, beta);
        }
    }

    [TestCaseSource(nameof(Transposes))]
    public void BlockedAndThreadedSizesMatchTheReference(bool transA, bool transB)
    {
        // Deeper than one KC block (256), taller than one MC block (144), wider than tall (column split), big enough for threads.
        var fast = new CpuBackend(threads: 3);
        var random = new Random(3);
        Check(fast, random, transA, transB, 150, 70, 300, 1f, 0f);
        Check(fast, random, transA, transB, 20, 203, 270, 0.5f, 1f);
    }

    [Test]
    public void WideMatrixCrossesTheNcBlock()
    {
        Check(new CpuBackend(), new Random(4), false, false, 3, 4100, 5, 1f, 0f);
    }

    [Test]
    public void Vector512KernelMatchesTheReference()
    {
        // Runs in software where AVX-512 is missing: slow, so sizes stay small.
        var fast = new CpuBackend(vectorBits: 512);
        Assert.That(fast.VectorBits, Is.EqualTo(512));
        var random = new Random(5);
        foreach (var (ta, tb) in new[] { (false, false), (true, true), (false, true) })
        {
            Check(fast, random, ta, tb, 13, 37, 20, 1f, 0f);
            Check(fast, random, ta, tb, 6, 32, 3, -1f, 0.5f);
        }
    }

    [Test]
    public void BetaZeroIgnoresNaNInTheOutput()
    {
        var fast = new CpuBackend();
        var a = fast.FromArray([1f, 2f, 3f, 4f], [2, 2]);
        var b = fast.FromArray([1f, 0f, 0f, 1f], [2, 2]);
        var c = fast.FromArray([float.NaN, float.NaN, float.NaN, float.NaN], [2, 2]);
        fast.Gemm(false, false, 2, 2, 2, 1f, a, b, 0f, c);
        Assert.That(c.ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
    }

    [Test]
    public void HandComputedProductWithTransposes()
    {
        // A = [[1,2,3],[4,5,6]], B = [[1,0],[0,1],[1,1]]: A·B = [[4,5],[10,11]]; C = 2·A·B + 1·[[1,1],[1,1]].
        foreach (var backend in new[] { new CpuBackend(), Reference })
        {
            var aT = backend.FromArray([1f, 4f, 2f, 5f, 3f, 6f], [3, 2]); // Aᵀ stored
            var bT = backend.FromArray([1f, 0f, 1f, 0f, 1f, 1f], [2, 3]); // Bᵀ stored
            var c = backend.FromArray([1f, 1f, 1f, 1f], [2, 2]);
            backend.Gemm(true, true, 2, 2, 3, 2f, aT, bT, 1f, c);
            Assert.That(c.ToArray(), Is.EqualTo(new[] { 9f, 11f, 21f, 23f }), backend.ToString());
        }
    }

    private static void Check(CpuBackend fast, Random random, bool transA, bool transB, int m, int n, int k, float alpha, float beta)
    {
        var a = CpuTestData.Uniform(random, (long)m * k);
        var b = CpuTestData.Uniform(random, (long)k * n);
        var c = CpuTestData.Uniform(random, (long)m * n);
        int[] aShape = transA ? [k, m] : [m, k], bShape = transB ? [n, k] : [k, n];
        var cFast = fast.FromArray(c, [m, n]);
        var cRef = Reference.FromArray(c, [m, n]);
        fast.Gemm(transA, transB, m, n, k, alpha, fast.FromArray(a, aShape), fast.FromArray(b, bShape), beta, cFast);
        Reference.Gemm(transA, transB, m, n, k, alpha, Reference.FromArray(a, aShape), Reference.FromArray(b, bShape), beta, cRef);
        CpuTestData.AssertClose(cFast.ToArray(), cRef.ToArray(), Atol, Rtol,
            $"gemm m={m} n={n} k={k} transA={transA} transB={transB} alpha={alpha} beta={beta} on {fast}");
    }
}
