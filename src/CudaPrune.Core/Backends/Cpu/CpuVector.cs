using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>Vector256 loops over spans (with scalar tails): the building blocks of the elementwise, pooling and batch-norm fast paths.</summary>
internal static class CpuVector
{
    private static int Width => Vector256<float>.Count;

    /// <summary>x *= alpha.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> x, float alpha)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        var va = Vector256.Create(alpha);
        int i = 0;
        for (; i <= x.Length - Width; i += Width)
            (Vector256.LoadUnsafe(ref px, (nuint)i) * va).StoreUnsafe(ref px, (nuint)i);
        for (; i < x.Length; i++) x[i] *= alpha;
    }

    /// <summary>x += value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Shift(Span<float> x, float value)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        var vv = Vector256.Create(value);
        int i = 0;
        for (; i <= x.Length - Width; i += Width)
            (Vector256.LoadUnsafe(ref px, (nuint)i) + vv).StoreUnsafe(ref px, (nuint)i);
        for (; i < x.Length; i++) x[i] += value;
    }

    /// <summary>dst += alpha · src.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<float> dst, ReadOnlySpan<float> src, float alpha)
    {
        Check(dst.Length, src.Length);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        ref float ps = ref MemoryMarshal.GetReference(src);
        var va = Vector256.Create(alpha);
        int i = 0;
        for (; i <= dst.Length - Width; i += Width)
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ps, (nuint)i), va, Vector256.LoadUnsafe(ref pd, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
        for (; i < dst.Length; i++) dst[i] = MathF.FusedMultiplyAdd(src[i], alpha, dst[i]);
    }

    /// <summary>dst += src.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(Span<float> dst, ReadOnlySpan<float> src)
    {
        Check(dst.Length, src.Length);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        ref float ps = ref MemoryMarshal.GetReference(src);
        int i = 0;
        for (; i <= dst.Length - Width; i += Width)
            (Vector256.LoadUnsafe(ref pd, (nuint)i) + Vector256.LoadUnsafe(ref ps, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
        for (; i < dst.Length; i++) dst[i] += src[i];
    }

    /// <summary>dst = a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        Check(dst.Length, a.Length);
        Check(dst.Length, b.Length);
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        for (; i <= dst.Length - Width; i += Width)
            (Vector256.LoadUnsafe(ref pa, (nuint)i) + Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
        for (; i < dst.Length; i++) dst[i] = a[i] + b[i];
    }

    /// <summary>Σ x, accumulated in vector lanes and returned as a double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Total(ReadOnlySpan<float> x)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - Width; i += Width) acc += Vector256.LoadUnsafe(ref px, (nuint)i);
        double s = LaneSum(acc);
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Σ (x - mean)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SquaredDeviation(ReadOnlySpan<float> x, float mean)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        var vm = Vector256.Create(mean);
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - Width; i += Width)
        {
            var d = Vector256.LoadUnsafe(ref px, (nuint)i) - vm;
            acc = Vector256.FusedMultiplyAdd(d, d, acc);
        }
        double s = LaneSum(acc);
        for (; i < x.Length; i++) s += (double)(x[i] - mean) * (x[i] - mean);
        return s;
    }

    /// <summary>Σ dy and Σ dy·(x - mean), in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double SumDy, double SumDyXc) DySums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float mean)
    {
        Check(dy.Length, x.Length);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float px = ref MemoryMarshal.GetReference(x);
        var vm = Vector256.Create(mean);
        Vector256<float> s1 = Vector256<float>.Zero, s2 = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - Width; i += Width)
        {
            var g = Vector256.LoadUnsafe(ref pdy, (nuint)i);
            s1 += g;
            s2 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref px, (nuint)i) - vm, s2);
        }
        double a = LaneSum(s1), b = LaneSum(s2);
        for (; i < x.Length; i++)
        {
            a += dy[i];
            b += (double)dy[i] * (x[i] - mean);
        }
        return (a, b);
    }

    /// <summary>y = (x - center) · scale + shift (batch norm's normalisation; centring first avoids cancellation when |mean| ≫ std).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(ReadOnlySpan<float> x, float center, float scale, float shift, Span<float> y)
    {
        Check(y.Length, x.Length);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        Vector256<float> vc = Vector256.Create(center), vs = Vector256.Create(scale), vb = Vector256.Create(shift);
        int i = 0;
        for (; i <= x.Length - Width; i += Width)
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)i) - vc, vs, vb).StoreUnsafe(ref py, (nuint)i);
        for (; i < x.Length; i++) y[i] = (x[i] - center) * scale + shift;
    }

    /// <summary>dx += a · dy + b · (x - center) + c (the batch-norm input gradient as one map per channel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddNormalizeGradient(Span<float> dx, ReadOnlySpan<float> dy, float a, ReadOnlySpan<float> x, float center, float b, float c)
    {
        Check(dx.Length, dy.Length);
        Check(dx.Length, x.Length);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float px = ref MemoryMarshal.GetReference(x);
        Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b), vc = Vector256.Create(c), vm = Vector256.Create(center);
        int i = 0;
        for (; i <= dx.Length - Width; i += Width)
        {
            var v = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pdy, (nuint)i), va, Vector256.LoadUnsafe(ref pdx, (nuint)i) + vc);
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)i) - vm, vb, v).StoreUnsafe(ref pdx, (nuint)i);
        }
        for (; i < dx.Length; i++) dx[i] += a * dy[i] + b * (x[i] - center) + c;
    }

    public static double LaneSum(Vector256<float> v)
    {
        double s = 0;
        for (int l = 0; l < Width; l++) s += v.GetElement(l);
        return s;
    }

    private static void Check(int expected, int actual)
    {
        if (expected != actual) throw new ArgumentException($"span lengths differ: {expected} and {actual}");
    }
}
