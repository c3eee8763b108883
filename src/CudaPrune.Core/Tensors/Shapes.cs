namespace CudaPrune.Core.Tensors;

/// <summary>Helpers for shapes (int arrays).</summary>
public static class Shapes
{
    public static long Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {Format(shape)}");
            n *= d;
        }
        return n;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Resolves one -1 entry so the shape holds <paramref name="count"/> elements.</summary>
    public static int[] Resolve(int[] shape, long count)
    {
        var r = (int[])shape.Clone();
        int unknown = Array.IndexOf(r, -1);
        if (unknown >= 0)
        {
            long known = 1;
            for (int i = 0; i < r.Length; i++) if (i != unknown) known *= r[i];
            if (known == 0 || count % known != 0) throw new ArgumentException($"cannot reshape {count} elements to {Format(shape)}");
            r[unknown] = (int)(count / known);
        }
        if (Count(r) != count) throw new ArgumentException($"cannot reshape {count} elements to {Format(shape)}");
        return r;
    }

    /// <summary>Throws unless <paramref name="t"/> has exactly <paramref name="expected"/> as shape.</summary>
    public static void Require(Tensor t, ReadOnlySpan<int> expected, string what)
    {
        if (!Equal(t.Shape, expected))
            throw new ArgumentException($"{what}: expected shape {Format(expected)}, got {Format(t.Shape)}");
    }
}
