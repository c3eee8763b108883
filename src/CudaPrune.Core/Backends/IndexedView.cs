using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends;

/// <summary>A tensor seen as [OUTER, D, INNER] around the dimension that IndexSelect/IndexAdd index; both backends use it.</summary>
internal readonly record struct IndexedView(int Outer, int D, int Inner)
{
    /// <summary>Validates dim (negative counts from the end) and the indices, and returns the view; <paramref name="dim"/> comes back non-negative.</summary>
    public static IndexedView Around(Tensor t, ref int dim, int[] indices, string op)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (dim < -t.Rank || dim >= t.Rank) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{op}: dim must be in [{-t.Rank}, {t.Rank}) for {t.Describe()}");
        if (dim < 0) dim += t.Rank;
        int d = t.Shape[dim];
        foreach (var i in indices)
            if ((uint)i >= (uint)d) throw new ArgumentException($"{op}: index {i} is outside [0, {d}) of dimension {dim} of {t.Describe()}");
        long outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= t.Shape[i];
        for (int i = dim + 1; i < t.Rank; i++) inner *= t.Shape[i];
        // Flat indices are 32-bit in the kernels and in the CPU loops alike.
        return new(Int32Range(outer, $"{op}: the dimensions before {dim}"), d, Int32Range(inner, $"{op}: the dimensions after {dim}"));
    }

    private static int Int32Range(long count, string what) =>
        count <= int.MaxValue ? (int)count : throw new ArgumentException($"{what}: {count} values is more than 32-bit indexing allows ({int.MaxValue})");
}
