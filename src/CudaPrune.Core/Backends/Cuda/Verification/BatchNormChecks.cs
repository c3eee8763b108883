namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Checks of kernels/batchnorm.cu: training forward (with the running statistics), inference forward, backward.</summary>
/// <remarks>
/// Inputs are x = 3 + 2·u with u uniform in [-1, 1): an offset mean, as after a ReLU, so that a one-pass
/// E[x²] - mean² variance would visibly lose digits. Tolerances:
/// training forward: the mean and variance are float reductions over M = N·H·W values (per-thread sums
/// of M/threads values, then a shuffle tree) where the reference sums in double; their relative error
/// grows like √(M/threads)·ε. y = (x - mean)·invStd·gamma + beta carries that error times |x̂| ≤ ~2,
/// so 2e-5 + 2e-5·|ref| for every output (y, saved mean and 1/std, running statistics) up to M = 2^18.
/// inference forward: elementwise, a few roundings (fused or not on the GPU) of values up to ~4, whose
/// ulp is 4.8e-7, and y near 0 comes from cancelling them: 2e-6 + 1e-5·|ref|.
/// backward: Σdy and Σdy·x̂ are float reductions over M values with |dy| ≤ 1; dgamma and dbeta are those
/// sums themselves (magnitude up to √M for random dy, error up to ~√M·M/threads·ε), dx uses their means:
/// 1e-4 + 1e-4·|ref|.
/// </remarks>
public sealed class BatchNormChecks : IKernelCheckSource
{
    private const float Momentum = 0.1f, Eps = 1e-5f;

    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        // Quick: M = 147 (odd, not a multiple of the block); M = 2 (the smallest a variance allows);
        // M = 324 with 2 channels (several slices per channel in version 2).
        (int N, int C, int H, int W)[] shapes = quick
            ? [(3, 5, 7, 7), (2, 3, 1, 1), (4, 2, 9, 9)]
            : [(128, 16, 32, 32), (128, 64, 8, 8), (64, 64, 32, 32), (256, 512, 2, 2)]; // resnet20 stages 1 and 3, vgg16 first and last
        int[] blocks = quick ? [32, 128] : [128, 256, 512];
        // Shape-major, so that consecutive checks share the reference outputs (ReferenceCheck).
        foreach (var (N, C, H, W) in shapes)
        {
            string shape = $"N={N} C={C} H={H} W={W}";
            foreach (var version in new[] { 1, 2 })
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("batch_norm_train_forward", version, block, shape, 2e-5, 2e-5, be => TrainForward(be, N, C, H, W));
            foreach (var version in new[] { 1, 2 })
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("batch_norm_backward", version, block, shape, 1e-4, 1e-4, be => Backward(be, N, C, H, W));
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("batch_norm_eval_forward", 1, block, shape, 2e-6, 1e-5, be => EvalForward(be, N, C, H, W));
        }
    }

    private static float[] Input(int N, int C, int H, int W, int seed) => CheckData.Uniform((long)N * C * H * W, seed, 1f, 5f);

    private static CheckOutput[] TrainForward(IBackend be, int N, int C, int H, int W)
    {
        var x = be.FromArray(Input(N, C, H, W, 31), [N, C, H, W]);
        var gamma = be.FromArray(CheckData.Uniform(C, 32, 0.5f, 1.5f), [C]);
        var beta = be.FromArray(CheckData.Uniform(C, 33, -0.5f, 0.5f), [C]);
        var runningMean = be.FromArray(CheckData.Uniform(C, 34), [C]);
        var runningVar = be.FromArray(CheckData.Uniform(C, 35, 0.5f, 1.5f), [C]);
        var y = be.BatchNormTrainForward(x, gamma, beta, runningMean, runningVar, Momentum, Eps, out var mean, out var invStd);
        return [new("y", y.ToArray()), new("saved mean", mean.ToArray()), new("saved 1/std", invStd.ToArray()),
                new("running mean", runningMean.ToArray()), new("running var", runningVar.ToArray())];
    }

    private static CheckOutput[] EvalForward(IBackend be, int N, int C, int H, int W)
    {
        var x = be.FromArray(Input(N, C, H, W, 36), [N, C, H, W]);
        var gamma = be.FromArray(CheckData.Uniform(C, 37, 0.5f, 1.5f), [C]);
        var beta = be.FromArray(CheckData.Uniform(C, 38, -0.5f, 0.5f), [C]);
        var runningMean = be.FromArray(CheckData.Uniform(C, 39, 2f, 4f), [C]);
        var runningVar = be.FromArray(CheckData.Uniform(C, 40, 0.5f, 1.5f), [C]);
        return [new("y", be.BatchNormEvalForward(x, gamma, beta, runningMean, runningVar, Eps).ToArray())];
    }

    private static CheckOutput[] Backward(IBackend be, int N, int C, int H, int W)
    {
        var xs = Input(N, C, H, W, 41);
        var (mean, invStd) = Statistics(xs, N, C, H * W);
        var x = be.FromArray(xs, [N, C, H, W]);
        var dy = be.FromArray(CheckData.Uniform(xs.Length, 42), [N, C, H, W]);
        var gamma = be.FromArray(CheckData.Uniform(C, 43, 0.5f, 1.5f), [C]);
        // Non-zero gradients: the kernels must accumulate.
        var dx = be.FromArray(CheckData.Uniform(xs.Length, 44), [N, C, H, W]);
        var dgamma = be.FromArray(CheckData.Uniform(C, 45), [C]);
        var dbeta = be.FromArray(CheckData.Uniform(C, 46), [C]);
        be.BatchNormBackward(dy, x, gamma, be.FromArray(mean, [C]), be.FromArray(invStd, [C]), dx, dgamma, dbeta);
        return [new("dx", dx.ToArray()), new("dgamma", dgamma.ToArray()), new("dbeta", dbeta.ToArray())];
    }

    // The saved statistics the backward reads, computed once on the host so both backends get the same.
    private static (float[] Mean, float[] InvStd) Statistics(float[] x, int N, int C, int HW)
    {
        var mean = new float[C];
        var invStd = new float[C];
        double M = (double)N * HW;
        for (int c = 0; c < C; c++)
        {
            double sum = 0, squares = 0;
            for (int n = 0; n < N; n++) for (int p = 0; p < HW; p++) sum += x[((long)n * C + c) * HW + p];
            double m = sum / M;
            for (int n = 0; n < N; n++) for (int p = 0; p < HW; p++) squares += Math.Pow(x[((long)n * C + c) * HW + p] - m, 2);
            mean[c] = (float)m;
            invStd[c] = (float)(1 / Math.Sqrt(squares / M + Eps));
        }
        return (mean, invStd);
    }
}
