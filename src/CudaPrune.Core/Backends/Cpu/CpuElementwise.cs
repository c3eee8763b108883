using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>Vectorised elementwise ops, split over threads when the tensor is large enough to pay for it.</summary>
internal static class CpuElementwise
{
    private const int MinPerThread = 1 << 16;
    private const int Grain = 64; // chunk boundaries on cache lines

    private static void For(int threads, int count, Action<int, int> body) =>
        CpuParallel.ForAligned(CpuParallel.ThreadsFor(count, threads, MinPerThread), count, Grain, body);

    /// <summary>y = x where x &gt; 0, else 0.</summary>
    public static void ReluForward(int threads, float[] x, float[] y, int count) =>
        For(threads, count, (i0, i1) => ReluForward(x.AsSpan(i0, i1 - i0), y.AsSpan(i0, i1 - i0)));

    /// <summary>dx += dy where y &gt; 0.</summary>
    public static void ReluBackward(int threads, float[] dy, float[] y, float[] dx, int count) =>
        For(threads, count, (i0, i1) => ReluBackward(dy.AsSpan(i0, i1 - i0), y.AsSpan(i0, i1 - i0), dx.AsSpan(i0, i1 - i0)));

    /// <summary>y = a + b.</summary>
    public static void Add(int threads, float[] a, float[] b, float[] y, int count) => For(threads, count, (i0, i1) =>
        CpuVector.Sum(a.AsSpan(i0, i1 - i0), b.AsSpan(i0, i1 - i0), y.AsSpan(i0, i1 - i0)));

    /// <summary>dst += alpha · src.</summary>
    public static void AddInPlace(int threads, float[] dst, float[] src, float alpha, int count) => For(threads, count, (i0, i1) =>
    {
        if (alpha == 1f) CpuVector.Add(dst.AsSpan(i0, i1 - i0), src.AsSpan(i0, i1 - i0));
        else CpuVector.AddScaled(dst.AsSpan(i0, i1 - i0), src.AsSpan(i0, i1 - i0), alpha);
    });

    /// <summary>t *= alpha.</summary>
    public static void Scale(int threads, float[] t, float alpha, int count) => For(threads, count, (i0, i1) =>
        CpuVector.Scale(t.AsSpan(i0, i1 - i0), alpha));

    /// <summary>grad += lambda · sign(param).</summary>
    public static void AddL1Subgradient(int threads, float[] grad, float[] param, float lambda, int count) =>
        For(threads, count, (i0, i1) => AddL1Subgradient(grad.AsSpan(i0, i1 - i0), param.AsSpan(i0, i1 - i0), lambda));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            NanMath.Relu(Vector256.Create(x[i..])).CopyTo(y[i..]);
        for (; i < x.Length; i++) y[i] = NanMath.Relu(x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx)
    {
        int i = 0;
        for (; i <= dx.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var pass = Vector256.GreaterThan(Vector256.Create(y[i..]), Vector256<float>.Zero);
            (Vector256.Create(dx[i..]) + (Vector256.Create(dy[i..]) & pass)).CopyTo(dx[i..]);
        }
        for (; i < dx.Length; i++) if (y[i] > 0f) dx[i] += dy[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddL1Subgradient(Span<float> grad, ReadOnlySpan<float> param, float lambda)
    {
        var one = Vector256.Create(1f);
        var vl = Vector256.Create(lambda);
        int i = 0;
        for (; i <= grad.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var p = Vector256.Create(param[i..]);
            var sign = (Vector256.GreaterThan(p, Vector256<float>.Zero) & one) - (Vector256.LessThan(p, Vector256<float>.Zero) & one);
            Vector256.FusedMultiplyAdd(sign, vl, Vector256.Create(grad[i..])).CopyTo(grad[i..]);
        }
        for (; i < grad.Length; i++) grad[i] += lambda * CpuReference.Sign(param[i]);
    }
}
