using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

// Argument validation shared by the ops: every failure names the op, the tensor, what was expected and what came.
public sealed partial class CpuBackend
{
    /// <summary>Throws unless <paramref name="t"/> is a live tensor of this backend.</summary>
    private void Own(Tensor t, string what)
    {
        ArgumentNullException.ThrowIfNull(t, what);
        if (t.IsDisposed) throw new ObjectDisposedException(what, $"{what} {t.Describe()} is disposed");
        if (!ReferenceEquals(t.Backend, this) || t.Storage is not CpuStorage)
            throw new ArgumentException($"{what} {t.Describe()} lives on {t.Backend}, not on this backend ({this})");
    }

    private Span<float> Floats(Tensor t, string what)
    {
        Own(t, what);
        if (t.DType != DType.Float32) throw new ArgumentException($"{what}: expected a Float32 tensor, got {t.Describe()}");
        return t.Span<float>();
    }

    private Span<float> Floats(Tensor t, string what, ReadOnlySpan<int> shape)
    {
        var span = Floats(t, what);
        Shapes.Require(t, shape, what);
        return span;
    }

    /// <summary>The data of an optional tensor, or an empty span when it is null.</summary>
    private Span<float> OptionalFloats(Tensor? t, string what, ReadOnlySpan<int> shape) =>
        t is null ? Span<float>.Empty : Floats(t, what, shape);

    private Span<int> Ints(Tensor t, string what)
    {
        Own(t, what);
        if (t.DType != DType.Int32) throw new ArgumentException($"{what}: expected an Int32 tensor, got {t.Describe()}");
        return t.Span<int>();
    }

    private static void RequireCount(Tensor t, long count, string what)
    {
        if (t.Count != count) throw new ArgumentException($"{what}: expected {count} elements, got {t.Describe()} with {t.Count}");
    }

    private static void RequireRank(Tensor t, int rank, string what)
    {
        if (t.Rank != rank) throw new ArgumentException($"{what}: expected a rank-{rank} tensor, got {t.Describe()}");
    }

    /// <summary>The host array behind a validated float tensor (the fast paths index it by geometry).</summary>
    private static float[] FloatArray(Tensor t) => (float[])((CpuStorage)t.Storage).Data;

    private static float[]? FloatArrayOrNull(Tensor? t) => t is null ? null : FloatArray(t);

    private static int[] IntArray(Tensor t) => (int[])((CpuStorage)t.Storage).Data;
}
