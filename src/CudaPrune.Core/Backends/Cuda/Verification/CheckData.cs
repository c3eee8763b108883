namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Reproducible inputs for kernel checks: the same seed gives the same values on every machine.</summary>
public static class CheckData
{
    /// <summary>Uniform floats in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static float[] Uniform(long count, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = low + (high - low) * random.NextSingle();
        return values;
    }

    /// <summary>Multiples of 1/4 in [-2, 2]: many exact ties, to check which maximum a max pooling picks.</summary>
    public static float[] Quantized(long count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = random.Next(-8, 9) / 4f;
        return values;
    }

    /// <summary>Integers in [0, <paramref name="bound"/>).</summary>
    public static int[] Integers(long count, int seed, int bound)
    {
        var random = new Random(seed);
        var values = new int[count];
        for (long i = 0; i < count; i++) values[i] = random.Next(bound);
        return values;
    }

    /// <summary>Bytes in [0, 255].</summary>
    public static byte[] Bytes(long count, int seed)
    {
        var values = new byte[count];
        new Random(seed).NextBytes(values);
        return values;
    }

    /// <summary><paramref name="count"/> distinct indices of [0, <paramref name="bound"/>) in a shuffled order (a pruning keeps channels in any order).</summary>
    public static int[] DistinctIndices(int count, int bound, int seed)
    {
        var all = Enumerable.Range(0, bound).ToArray();
        new Random(seed).Shuffle(all);
        return all[..count];
    }
}
