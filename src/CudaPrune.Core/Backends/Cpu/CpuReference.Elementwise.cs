namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    /// <summary>y = max(x, 0), NaN kept (PyTorch's relu).</summary>
    public static void ReluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = NanMath.Relu(x[i]);
    }

    /// <summary>dx += dy where y &gt; 0: no gradient through a NaN output (PyTorch's threshold_backward).</summary>
    public static void ReluBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx)
    {
        for (int i = 0; i < dy.Length; i++) if (y[i] > 0f) dx[i] += dy[i];
    }

    /// <summary>y = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = a[i] + b[i];
    }

    /// <summary>dst += alpha · src.</summary>
    public static void AddInPlace(Span<float> dst, ReadOnlySpan<float> src, float alpha)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] += alpha * src[i];
    }

    /// <summary>t *= alpha.</summary>
    public static void Scale(Span<float> t, float alpha)
    {
        for (int i = 0; i < t.Length; i++) t[i] *= alpha;
    }

    /// <summary>grad += lambda · sign(param), with sign(0) = 0.</summary>
    public static void AddL1Subgradient(Span<float> grad, ReadOnlySpan<float> param, float lambda)
    {
        for (int i = 0; i < grad.Length; i++) grad[i] += lambda * Sign(param[i]);
    }

    /// <summary>+1, -1 or 0 (also for NaN, where <see cref="MathF.Sign(float)"/> would throw).</summary>
    public static float Sign(float v) => v > 0f ? 1f : v < 0f ? -1f : 0f;
}
