namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Checks of kernels/elementwise.cu: every op × version × block size, at sizes that leave a float4 tail.</summary>
/// <remarks>
/// Tolerances: relu, add, scale and the L1 subgradient round once per element exactly as the reference
/// does (the L1 product lambda·(±1) is exact), so they must match bit for bit. add_in_place may be
/// compiled to a fused multiply-add on the GPU (one rounding instead of two): 1e-6 absolute (an ulp of
/// the products of inputs in [-1, 1]) plus 1e-6 relative.
/// </remarks>
public sealed class ElementwiseChecks : IKernelCheckSource
{
    private static readonly string[] Ops = ["relu_forward", "relu_backward", "add", "add_in_place", "scale", "add_l1_subgradient"];

    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        // 7 = one float4 and a 3-element tail; 4099 spans several blocks. Large: resnet20's first
        // activation at batch 128 plus an odd tail, and vgg16's first at batch 256.
        long[] sizes = quick ? [7, 4099] : [128L * 16 * 32 * 32 + 3, 256L * 64 * 32 * 32];
        int[] blocks = quick ? [64, 256] : [128, 256, 512];
        foreach (var op in Ops)
        foreach (var n in sizes)
        foreach (var version in new[] { 1, 2 })
        foreach (var block in blocks)
        {
            var (atol, rtol) = op == "add_in_place" ? (1e-6, 1e-6) : (0.0, 0.0);
            yield return ReferenceCheck.Create(op, version, block, $"n={n}", atol, rtol, be => Run(be, op, n));
        }
    }

    private static CheckOutput[] Run(IBackend be, string op, long n)
    {
        int[] shape = [(int)n];
        var x = be.FromArray(CheckData.Uniform(n, 1), shape);
        var other = be.FromArray(CheckData.Uniform(n, 2), shape);
        switch (op)
        {
            case "relu_forward":
                return [new("y", be.ReluForward(x).ToArray())];
            case "relu_backward":
                var dx = be.FromArray(CheckData.Uniform(n, 3), shape); // non-zero: the kernel must accumulate
                be.ReluBackward(other, be.ReluForward(x), dx);
                return [new("dx", dx.ToArray())];
            case "add":
                return [new("y", be.Add(x, other).ToArray())];
            case "add_in_place":
                be.AddInPlace(x, other, -0.75f);
                return [new("dst", x.ToArray())];
            case "scale":
                be.Scale(x, 1.5f);
                return [new("t", x.ToArray())];
            case "add_l1_subgradient":
                var param = be.FromArray(WithZeros(CheckData.Uniform(n, 4)), shape); // sign(0) = 0 must hold too
                be.AddL1Subgradient(x, param, 0.01f);
                return [new("grad", x.ToArray())];
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "no elementwise check for this op");
        }
    }

    private static float[] WithZeros(float[] values)
    {
        for (int i = 0; i < values.Length; i += 5) values[i] = 0f;
        return values;
    }
}
