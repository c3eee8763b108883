using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>ReLU, add, scale and the L1 subgradient: fast (vectorised, threaded) against the reference, and their semantics.</summary>
public class CpuElementwiseTests
{
    // 200,001 elements: several threads, vector bodies and a scalar tail.
    private const int Count = 200_001;

    private static (CpuBackend Fast, CpuBackend Reference, float[] A, float[] B) Setup()
    {
        var random = new Random(20);
        var a = CpuTestData.Uniform(random, Count);
        a[0] = 0f;
        a[1] = float.NaN;
        return (new CpuBackend(threads: 3), new CpuBackend(useFastPaths: false), a, CpuTestData.Uniform(random, Count));
    }

    [Test]
    public void ReluFastMatchesTheReferenceExactly()
    {
        var (fast, reference, a, b) = Setup();
        var yFast = fast.ReluForward(fast.FromArray(a, [Count]));
        var yRef = reference.ReluForward(reference.FromArray(a, [Count]));
        CpuTestData.AssertClose(yFast.ToArray(), yRef.ToArray(), 0, 0, "relu");
        var dxFast = fast.FromArray(b, [Count]);
        var dxRef = reference.FromArray(b, [Count]);
        fast.ReluBackward(fast.FromArray(a, [Count]), yFast, dxFast);
        reference.ReluBackward(reference.FromArray(a, [Count]), yRef, dxRef);
        CpuTestData.AssertClose(dxFast.ToArray(), dxRef.ToArray(), 0, 0, "relu backward");
    }

    [Test]
    public void ReluSemantics()
    {
        foreach (var be in new[] { new CpuBackend(), new CpuBackend(useFastPaths: false) })
        {
            var x = be.FromArray([-2f, -0f, 0f, 0.5f, float.NaN, 3f, -1f, 7f, 1e-30f], [9]);
            var y = be.ReluForward(x);
            Assert.That(y.ToArray(), Is.EqualTo(new[] { 0f, 0f, 0f, 0.5f, float.NaN, 3f, 0f, 7f, 1e-30f }), be.ToString());
            var dx = be.FromArray([1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], [9]);
            be.ReluBackward(be.FromArray([10f, 10f, 10f, 10f, 10f, 10f, 10f, 10f, 10f], [9]), y, dx);
            Assert.That(dx.ToArray(), Is.EqualTo(new[] { 1f, 1f, 1f, 11f, 1f, 11f, 1f, 11f, 11f }), be.ToString());
        }
    }

    [Test]
    public void AddScaleAndAccumulateMatchTheReference()
    {
        var (fast, reference, a, b) = Setup();
        var results = new List<float[]>();
        foreach (var be in new[] { fast, reference })
        {
            var sum = be.Add(be.FromArray(a, [Count]), be.FromArray(b, [Count]));
            var acc = be.FromArray(a, [Count]);
            be.AddInPlace(acc, be.FromArray(b, [Count]), -0.75f);
            be.AddInPlace(acc, be.FromArray(b, [Count]));
            be.Scale(acc, 1.5f);
            results.Add(sum.ToArray());
            results.Add(acc.ToArray());
        }
        CpuTestData.AssertClose(results[0], results[2], 1e-6, 1e-6, "add");
        CpuTestData.AssertClose(results[1], results[3], 1e-6, 1e-6, "add in place, scale");
    }

    [Test]
    public void L1SubgradientAddsLambdaTimesSign()
    {
        foreach (var be in new[] { new CpuBackend(), new CpuBackend(useFastPaths: false) })
        {
            var param = be.FromArray([-3f, 0f, 2f, -0f, 5f, -1e-20f, 4f, 1f, 0f], [9]);
            var grad = be.FromArray([1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], [9]);
            be.AddL1Subgradient(grad, param, 0.25f);
            Assert.That(grad.ToArray(), Is.EqualTo(new[] { 0.75f, 1f, 1.25f, 1f, 1.25f, 0.75f, 1.25f, 1.25f, 1f }), be.ToString());
        }
        var (fast, reference, a, b) = Setup();
        var gFast = fast.FromArray(b, [Count]);
        var gRef = reference.FromArray(b, [Count]);
        fast.AddL1Subgradient(gFast, fast.FromArray(a, [Count]), 1e-3f);
        reference.AddL1Subgradient(gRef, reference.FromArray(a, [Count]), 1e-3f);
        CpuTestData.AssertClose(gFast.ToArray(), gRef.ToArray(), 1e-7, 1e-6, "L1 subgradient");
    }
}
