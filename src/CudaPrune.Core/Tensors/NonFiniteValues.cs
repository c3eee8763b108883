using System.Globalization;

namespace CudaPrune.Core.Tensors;

/// <summary>The NaN and ±Inf values of one tensor: how many, of how many, and the first (flat index and value).</summary>
public sealed record NonFiniteValues(string TensorName, long Count, long Total, long FirstIndex, float FirstValue)
{
    /// <summary>The non-finite values of <paramref name="values"/>, or null when all are finite.</summary>
    public static NonFiniteValues? Find(string tensorName, ReadOnlySpan<float> values)
    {
        long count = 0, first = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            if (count++ == 0) first = i;
        }
        return count == 0 ? null : new NonFiniteValues(tensorName, count, values.Length, first, values[(int)first]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"tensor '{TensorName}' holds {Count:N0} non-finite value(s) of {Total:N0} (the first at flat index {FirstIndex}: {FirstValue})");
}
