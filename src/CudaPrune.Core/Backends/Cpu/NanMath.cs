using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Max and ReLU that keep NaN, as PyTorch does (relu(NaN) = NaN, max(NaN, x) = max(x, NaN) = NaN), scalar
/// and SIMD: a SIMD max returns one operand when the other is NaN, and <c>x &gt; 0 ? x : 0</c> turns NaN into
/// 0, so ops never use those on data. The CUDA twins are <c>nanMax</c> and <c>nanRelu</c> in kernels/common.cuh.
/// </summary>
public static class NanMath
{
    /// <summary>The larger of a and b; NaN when either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => a > b || float.IsNaN(a) ? a : b;

    /// <summary>max(x, 0) keeping NaN; ±0 give +0, +∞ stays, −∞ gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x <= 0f ? 0f : x;

    /// <summary><see cref="Relu(float)"/> on 8 lanes: clears the lanes that are ≤ 0, so NaN lanes pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.AndNot(x, Vector256.LessThanOrEqual(x, Vector256<float>.Zero));
}
