using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Checks of kernels/pooling.cu: max, average and global average pooling, forward and backward.</summary>
/// <remarks>
/// Tolerances:
/// max forward selects, never rounds: y and argmax must be exact (inputs are multiples of 1/4, so ties
/// are common and the first maximum must win as in the reference).
/// max backward adds at most ⌈K/S⌉² dy values to each dx element, in another order than the reference
/// (atomics in any order, or a gather); with inputs in [-1, 1] the partial sums stay below ~5, whose
/// ulp is 4.8e-7, and a result near 0 can come from cancelling such sums: 2e-6 + 1e-5·|ref|.
/// avg forward/backward sum up to K² values in float where the reference sums in double, the same
/// bound: 2e-6 + 1e-5·|ref|.
/// global average forward sums HW values in float (the reference in double); the error grows like
/// √HW·ε·mean|x| in practice, so 1e-5 + 1e-5·|ref| holds up to HW = 1024.
/// global average backward divides and adds exactly as the reference: exact.
/// </remarks>
public sealed class PoolingChecks : IKernelCheckSource
{
    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        Pool2dGeometry[] windows = quick
            ? [new(3, 5, 7, 7, 3, 2, 1), new(2, 3, 8, 8, 2, 2, 0)]        // overlapping with padding; vgg-like
            : [new(128, 64, 32, 32, 2, 2, 0), new(256, 512, 4, 4, 2, 2, 0), // vgg16's first and last pooling
               new(32, 64, 112, 112, 3, 2, 1)];                            // resnet18/50 stem pooling
        (int N, int C, int H, int W)[] planes = quick
            ? [(3, 5, 7, 7), (2, 3, 1, 1)]
            : [(128, 64, 8, 8), (256, 512, 1, 1), (256, 512, 7, 7)];     // resnet20's, vgg16's, resnet's global pooling
        int[] blocks = quick ? [64, 256] : [128, 256, 512];

        // Shape-major, so that consecutive checks share the reference outputs (ReferenceCheck).
        foreach (var g in windows)
        {
            string shape = g.ToString();
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("max_pool2d_forward", 1, block, shape, 0, 0, be => MaxForward(be, g));
            foreach (var version in new[] { 1, 2 })
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("max_pool2d_backward", version, block, shape, 2e-6, 1e-5, be => MaxBackward(be, g));
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("avg_pool2d_forward", 1, block, shape, 2e-6, 1e-5, be => AvgForward(be, g));
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("avg_pool2d_backward", 1, block, shape, 2e-6, 1e-5, be => AvgBackward(be, g));
        }
        foreach (var (N, C, H, W) in planes)
        {
            string shape = $"N={N} C={C} H={H} W={W}";
            foreach (var version in new[] { 1, 2 })
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("global_avg_pool_forward", version, block, shape, 1e-5, 1e-5, be => GlobalForward(be, N, C, H, W));
            foreach (var block in blocks)
                yield return ReferenceCheck.Create("global_avg_pool_backward", 1, block, shape, 0, 0, be => GlobalBackward(be, N, C, H, W));
        }
    }

    private static CheckOutput[] MaxForward(IBackend be, Pool2dGeometry g)
    {
        var x = be.FromArray(CheckData.Quantized(Shapes.Count(g.InputShape), 11), g.InputShape);
        var y = be.MaxPool2dForward(x, g, out var argmax);
        return [new("y", y.ToArray()), CheckOutput.Indices("argmax", argmax.ToIntArray())];
    }

    private static CheckOutput[] MaxBackward(IBackend be, Pool2dGeometry g)
    {
        // The argmax comes from this backend's forward: version 1 of the forward is checked exactly above.
        var x = be.FromArray(CheckData.Quantized(Shapes.Count(g.InputShape), 12), g.InputShape);
        be.MaxPool2dForward(x, g, out var argmax);
        var dy = be.FromArray(CheckData.Uniform(Shapes.Count(g.OutputShape), 13), g.OutputShape);
        var dx = be.FromArray(CheckData.Uniform(Shapes.Count(g.InputShape), 14), g.InputShape);
        be.MaxPool2dBackward(dy, argmax, dx, g);
        return [new("dx", dx.ToArray())];
    }

    private static CheckOutput[] AvgForward(IBackend be, Pool2dGeometry g)
    {
        var x = be.FromArray(CheckData.Uniform(Shapes.Count(g.InputShape), 15), g.InputShape);
        return [new("y", be.AvgPool2dForward(x, g).ToArray())];
    }

    private static CheckOutput[] AvgBackward(IBackend be, Pool2dGeometry g)
    {
        var dy = be.FromArray(CheckData.Uniform(Shapes.Count(g.OutputShape), 16), g.OutputShape);
        var dx = be.FromArray(CheckData.Uniform(Shapes.Count(g.InputShape), 17), g.InputShape);
        be.AvgPool2dBackward(dy, dx, g);
        return [new("dx", dx.ToArray())];
    }

    private static CheckOutput[] GlobalForward(IBackend be, int N, int C, int H, int W)
    {
        var x = be.FromArray(CheckData.Uniform((long)N * C * H * W, 18), [N, C, H, W]);
        return [new("y", be.GlobalAvgPoolForward(x).ToArray())];
    }

    private static CheckOutput[] GlobalBackward(IBackend be, int N, int C, int H, int W)
    {
        var dy = be.FromArray(CheckData.Uniform((long)N * C, 19), [N, C]);
        var dx = be.FromArray(CheckData.Uniform((long)N * C * H * W, 20), [N, C, H, W]);
        be.GlobalAvgPoolBackward(dy, dx);
        return [new("dx", dx.ToArray())];
    }
}
