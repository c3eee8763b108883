namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Checks of kernels/sgd.cu: plain SGD, momentum with weight decay, and Nesterov, over two steps (the second reads the buffer the first wrote).</summary>
/// <remarks>
/// Tolerance 1e-6 + 1e-5·|ref| on parameters and buffers: the GPU fuses the multiply-adds (one rounding
/// each instead of two), and buf = momentum·buf + g may cancel, leaving an absolute error of an ulp of
/// |g| (~1e-7 for gradients ≤ 1) that the update scales by the learning rate.
/// </remarks>
public sealed class SgdChecks : IKernelCheckSource
{
    private static readonly SgdParameters[] Settings =
    [
        new(LearningRate: 0.1f, Momentum: 0f, WeightDecay: 0f, Nesterov: false),
        new(LearningRate: 0.1f, Momentum: 0.9f, WeightDecay: 5e-4f, Nesterov: false),
        new(LearningRate: 0.05f, Momentum: 0.9f, WeightDecay: 1e-4f, Nesterov: true),
    ];

    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        // 7 = one float4 and a 3-element tail; large: resnet20's parameters (~270k) and vgg16's biggest layer.
        long[] sizes = quick ? [7, 1027] : [272_474, 512L * 512 * 9 + 1];
        int[] blocks = quick ? [64, 256] : [128, 256, 512];
        foreach (var n in sizes)
        foreach (var p in Settings)
        foreach (var version in new[] { 1, 2 })
        foreach (var block in blocks)
        {
            string shape = $"n={n} lr={p.LearningRate} momentum={p.Momentum} wd={p.WeightDecay}{(p.Nesterov ? " nesterov" : "")}";
            yield return ReferenceCheck.Create("sgd_step", version, block, shape, 1e-6, 1e-5, be => TwoSteps(be, n, p));
        }
    }

    private static CheckOutput[] TwoSteps(IBackend be, long n, SgdParameters p)
    {
        int[] shape = [(int)n];
        var param = be.FromArray(CheckData.Uniform(n, 61), shape);
        var buffer = p.Momentum != 0f ? be.FromArray(CheckData.Uniform(n, 62, -0.1f, 0.1f), shape) : null;
        be.SgdStep(param, be.FromArray(CheckData.Uniform(n, 63), shape), buffer, p);
        be.SgdStep(param, be.FromArray(CheckData.Uniform(n, 64), shape), buffer, p);
        return buffer is null ? [new("param", param.ToArray())] : [new("param", param.ToArray()), new("momentum buffer", buffer.ToArray())];
    }
}
