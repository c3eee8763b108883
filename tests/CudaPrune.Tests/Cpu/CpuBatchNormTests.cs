using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>Batch norm: statistics and running updates as PyTorch defines them, eval mode, and fast against the reference.</summary>
public class CpuBatchNormTests
{
    private const int N = 4, C = 3, H = 5, W = 6, HW = H * W, M = N * HW;
    private const float Momentum = 0.1f, Eps = 1e-5f;

    /// <summary>x[n,c,p] = 3 + 2·c + (c + 1)·u with u uniform in [-1, 1]: every channel has its own mean and spread.</summary>
    private static float[] Input(int seed)
    {
        var random = new Random(seed);
        var x = new float[N * C * HW];
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        for (int p = 0; p < HW; p++)
            x[(n * C + c) * HW + p] = 3f + 2f * c + (c + 1) * (2f * random.NextSingle() - 1f);
        return x;
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TrainingNormalisesEachChannelAndUpdatesRunningStatistics(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        var x = Input(30);
        float[] rm0 = [0.5f, -1f, 2f], rv0 = [1f, 2f, 0.5f];
        var runningMean = be.FromArray(rm0, [C]);
        var runningVar = be.FromArray(rv0, [C]);
        var y = be.BatchNormTrainForward(be.FromArray(x, [N, C, H, W]), be.FromArray([1f, 1f, 1f], [C]), be.Zeros([C]),
            runningMean, runningVar, Momentum, Eps, out var saveMean, out var saveInvStd).ToArray();
        for (int c = 0; c < C; c++)
        {
            var (xMean, xVar) = Moments(x, c);
            var (yMean, yVar) = Moments(y, c);
            Assert.That(yMean, Is.EqualTo(0).Within(1e-5), $"channel {c}: normalised mean");
            Assert.That(yVar, Is.EqualTo(xVar / (xVar + Eps)).Within(1e-4), $"channel {c}: normalised (biased) variance");
            Assert.That(saveMean.ToArray()[c], Is.EqualTo(xMean).Within(1e-5), $"channel {c}: saved mean");
            Assert.That(saveInvStd.ToArray()[c], Is.EqualTo(1 / Math.Sqrt(xVar + Eps)).Within(1e-5), $"channel {c}: saved 1/std");
            Assert.That(runningMean.ToArray()[c], Is.EqualTo((1 - Momentum) * rm0[c] + Momentum * xMean).Within(1e-5), $"channel {c}: running mean");
            double unbiased = xVar * M / (M - 1);
            Assert.That(runningVar.ToArray()[c], Is.EqualTo((1 - Momentum) * rv0[c] + Momentum * unbiased).Within(1e-5), $"channel {c}: running var (unbiased)");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GammaAndBetaScaleAndShiftTheNormalisedOutput(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        var x = be.FromArray(Input(31), [N, C, H, W]);
        var plain = be.BatchNormTrainForward(x, be.FromArray([1f, 1f, 1f], [C]), be.Zeros([C]), be.Zeros([C]), be.Zeros([C]), Momentum, Eps, out _, out _).ToArray();
        var affine = be.BatchNormTrainForward(x, be.FromArray([2f, -1f, 0.5f], [C]), be.FromArray([1f, 0f, -3f], [C]), be.Zeros([C]), be.Zeros([C]), Momentum, Eps, out _, out _).ToArray();
        float[] gamma = [2f, -1f, 0.5f], beta = [1f, 0f, -3f];
        var expected = new float[plain.Length];
        for (int i = 0; i < plain.Length; i++)
        {
            int c = i / HW % C;
            expected[i] = gamma[c] * plain[i] + beta[c];
        }
        CpuTestData.AssertClose(affine, expected, 1e-5, 1e-5, "gamma · x̂ + beta");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void EvalUsesTheRunningStatistics(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        var x = Input(32);
        float[] gamma = [1.5f, -0.5f, 2f], beta = [0.1f, 0.2f, 0.3f], rm = [3f, 5f, 7f], rv = [0.25f, 1f, 4f];
        var y = be.BatchNormEvalForward(be.FromArray(x, [N, C, H, W]), be.FromArray(gamma, [C]), be.FromArray(beta, [C]),
            be.FromArray(rm, [C]), be.FromArray(rv, [C]), Eps).ToArray();
        var expected = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / HW % C;
            expected[i] = (float)(gamma[c] * (x[i] - rm[c]) / Math.Sqrt(rv[c] + Eps) + beta[c]);
        }
        CpuTestData.AssertClose(y, expected, 1e-5, 1e-5, "eval");
    }

    [Test]
    public void FastMatchesTheReference()
    {
        var random = new Random(33);
        var x = Input(34);
        var gamma = CpuTestData.Uniform(random, C);
        var beta = CpuTestData.Uniform(random, C);
        var dy = CpuTestData.Uniform(random, x.Length);
        var dx0 = CpuTestData.Uniform(random, x.Length);
        var results = new List<float[]>();
        foreach (var be in new[] { new CpuBackend(threads: 2), new CpuBackend(useFastPaths: false) })
        {
            var rm = be.FromArray([0.1f, 0.2f, 0.3f], [C]);
            var rv = be.FromArray([1f, 1.5f, 2f], [C]);
            var xt = be.FromArray(x, [N, C, H, W]);
            var g = be.FromArray(gamma, [C]);
            var y = be.BatchNormTrainForward(xt, g, be.FromArray(beta, [C]), rm, rv, Momentum, Eps, out var mean, out var invStd);
            var dx = be.FromArray(dx0, [N, C, H, W]);
            var dgamma = be.FromArray([1f, 2f, 3f], [C]);
            var dbeta = be.FromArray([-1f, -2f, -3f], [C]);
            be.BatchNormBackward(be.FromArray(dy, [N, C, H, W]), xt, g, mean, invStd, dx, dgamma, dbeta);
            var yEval = be.BatchNormEvalForward(xt, g, be.FromArray(beta, [C]), rm, rv, Eps);
            results.AddRange([y.ToArray(), mean.ToArray(), invStd.ToArray(), rm.ToArray(), rv.ToArray(), dx.ToArray(), dgamma.ToArray(), dbeta.ToArray(), yEval.ToArray()]);
        }
        string[] names = ["y", "mean", "invStd", "running mean", "running var", "dx", "dgamma", "dbeta", "eval y"];
        for (int i = 0; i < names.Length; i++) CpuTestData.AssertClose(results[i], results[i + names.Length], 1e-5, 1e-4, names[i]);
    }

    [Test]
    public void TrainingRejectsOneValuePerChannel()
    {
        var be = new CpuBackend();
        var ex = Assert.Throws<ArgumentException>(() =>
            be.BatchNormTrainForward(be.Zeros([1, 2, 1, 1]), be.Zeros([2]), be.Zeros([2]), be.Zeros([2]), be.Zeros([2]), Momentum, Eps, out _, out _));
        Assert.That(ex!.Message, Does.Contain("one value per channel"));
    }

    private static (double Mean, double BiasedVar) Moments(float[] t, int c)
    {
        double sum = 0, squares = 0;
        for (int n = 0; n < N; n++)
        for (int p = 0; p < HW; p++) sum += t[(n * C + c) * HW + p];
        double mean = sum / M;
        for (int n = 0; n < N; n++)
        for (int p = 0; p < HW; p++) squares += Math.Pow(t[(n * C + c) * HW + p] - mean, 2);
        return (mean, squares / M);
    }
}
