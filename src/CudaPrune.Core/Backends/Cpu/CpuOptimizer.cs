using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>The vectorised SGD step (same rule as <see cref="CpuReference.SgdStep"/>).</summary>
internal static class CpuOptimizer
{
    private const int MinPerThread = 1 << 16;

    public static void SgdStep(int threads, float[] param, float[] grad, float[]? momentumBuffer, SgdParameters p, int count) =>
        CpuParallel.ForAligned(CpuParallel.ThreadsFor(count, threads, MinPerThread), count, 64, (i0, i1) =>
        {
            Vector256<float> lr = Vector256.Create(p.LearningRate), wd = Vector256.Create(p.WeightDecay), mom = Vector256.Create(p.Momentum);
            bool useMomentum = p.Momentum != 0f;
            int i = i0;
            for (; i <= i1 - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var w = Vector256.Create(param.AsSpan(i));
                var g = Vector256.Create(grad.AsSpan(i)) + wd * w;
                if (useMomentum)
                {
                    var buf = mom * Vector256.Create(momentumBuffer!.AsSpan(i)) + g;
                    buf.CopyTo(momentumBuffer.AsSpan(i));
                    g = p.Nesterov ? g + mom * buf : buf;
                }
                (w - lr * g).CopyTo(param.AsSpan(i));
            }
            if (i < i1)
                CpuReference.SgdStep(param.AsSpan(i, i1 - i), grad.AsSpan(i, i1 - i),
                    useMomentum ? momentumBuffer.AsSpan(i, i1 - i) : Span<float>.Empty, p);
        });
}
