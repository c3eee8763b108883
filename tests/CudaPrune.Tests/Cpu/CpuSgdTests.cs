using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>SGD against PyTorch's update rule, written out independently here and followed for several steps.</summary>
public class CpuSgdTests
{
    private static IEnumerable<TestCaseData> Settings()
    {
        foreach (var fast in new[] { true, false })
        {
            yield return new TestCaseData(fast, new SgdParameters(0.1f, 0f, 0f, false)).SetArgDisplayNames(fast ? "fast" : "reference", "plain");
            yield return new TestCaseData(fast, new SgdParameters(0.1f, 0.9f, 0f, false)).SetArgDisplayNames(fast ? "fast" : "reference", "momentum");
            yield return new TestCaseData(fast, new SgdParameters(0.05f, 0.9f, 5e-4f, false)).SetArgDisplayNames(fast ? "fast" : "reference", "momentum+wd");
            yield return new TestCaseData(fast, new SgdParameters(0.05f, 0.9f, 5e-4f, true)).SetArgDisplayNames(fast ? "fast" : "reference", "nesterov+wd");
            yield return new TestCaseData(fast, new SgdParameters(0.2f, 0f, 1e-2f, false)).SetArgDisplayNames(fast ? "fast" : "reference", "wd only");
        }
    }

    [TestCaseSource(nameof(Settings))]
    public void FollowsPyTorchsRuleStepByStep(bool useFastPaths, SgdParameters p)
    {
        const int count = 37; // vector bodies and a scalar tail
        var be = new CpuBackend(useFastPaths);
        var random = new Random(40);
        var w = CpuTestData.Uniform(random, count);
        var param = be.FromArray(w, [count]);
        var buffer = p.Momentum != 0f ? be.Zeros([count]) : null;

        // torch.optim.SGD (dampening 0): d_p = g + wd·w; buf = d_p on the first step, else momentum·buf + d_p;
        // d_p = nesterov ? d_p + momentum·buf : buf; w -= lr·d_p.
        var expected = w.Select(v => (double)v).ToArray();
        double[]? buf = null;
        for (int step = 0; step < 4; step++)
        {
            var g = CpuTestData.Uniform(random, count);
            be.SgdStep(param, be.FromArray(g, [count]), buffer, p);
            for (int i = 0; i < count; i++)
            {
                double dp = g[i] + p.WeightDecay * expected[i];
                if (p.Momentum != 0f)
                {
                    buf ??= new double[count];
                    buf[i] = step == 0 ? dp : p.Momentum * buf[i] + dp;
                    dp = p.Nesterov ? dp + p.Momentum * buf[i] : buf[i];
                }
                expected[i] -= p.LearningRate * dp;
            }
            CpuTestData.AssertClose(param.ToArray(), expected.Select(v => (float)v).ToArray(), 1e-6, 1e-5, $"parameters after step {step + 1}");
        }
    }

    [Test]
    public void MomentumWithoutABufferIsRejected()
    {
        var be = new CpuBackend();
        Assert.Throws<ArgumentNullException>(() => be.SgdStep(be.Zeros([3]), be.Zeros([3]), null, new SgdParameters(0.1f, 0.9f, 0f, false)));
        Assert.Throws<ArgumentException>(() => be.SgdStep(be.Zeros([3]), be.Zeros([3]), null, new SgdParameters(0.1f, 0f, 0f, true)));
    }
}
