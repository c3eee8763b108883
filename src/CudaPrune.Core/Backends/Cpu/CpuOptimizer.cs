using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>The vectorised SGD step (same rule as <see cref="CpuReference.SgdStep"/>).</summary>
internal static class CpuOptimizer
{
    private const int MinPerThread = 1 << 16;

    public static void SgdStep(int threads, float[] param, float[] grad, float[]? momentumBuffer, SgdParameters p, int count) =>
        CpuParallel.ForAligned(CpuParallel.ThreadsFor(count, threads, MinPerThread), count, 64, (i0, i1) =>
            SgdStep(param.AsSpan(i0, i1 - i0), grad.AsSpan(i0, i1 - i0),
                momentumBuffer is null ? Span<float>.Empty : momentumBuffer.AsSpan(i0, i1 - i0), p));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, SgdParameters p)
    {
        Vector256<float> lr = Vector256.Create(p.LearningRate), wd = Vector256.Create(p.WeightDecay), mom = Vector256.Create(p.Momentum);
        bool useMomentum = p.Momentum != 0f;
        int i = 0;
        for (; i <= param.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var w = Vector256.Create(param[i..]);
            var g = Vector256.Create(grad[i..]) + wd * w;
            if (useMomentum)
            {
                var buf = mom * Vector256.Create(momentumBuffer[i..]) + g;
                buf.CopyTo(momentumBuffer[i..]);
                g = p.Nesterov ? g + mom * buf : buf;
            }
            (w - lr * g).CopyTo(param[i..]);
        }
        if (i < param.Length)
            CpuReference.SgdStep(param[i..], grad[i..], useMomentum ? momentumBuffer[i..] : Span<float>.Empty, p);
    }
}
