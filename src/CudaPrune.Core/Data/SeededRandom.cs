namespace CudaPrune.Core.Data;

/// <summary>
/// A small seeded generator (SplitMix64): the same seed gives the same stream on every platform and .NET version,
/// which System.Random does not promise. Streams for (seed, epoch, batch) are derived, not drawn in sequence, so
/// a batch's randomness does not depend on which thread prepares it or when.
/// </summary>
public struct SeededRandom(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    // The purposes that draw from one seed, each its own stream.
    internal const ulong ShuffleStream = 1;
    internal const ulong AugmentStream = 2;
    internal const ulong SubsetStream = 3;

    private ulong _state = state;

    /// <summary>An independent stream for a purpose (shuffle, augmentation), an epoch and a batch, from one seed.</summary>
    public static SeededRandom For(int seed, ulong purpose, int epoch, int batch = 0)
    {
        ulong s = Mix((ulong)(uint)seed + Golden);
        s = Mix(s ^ purpose);
        s = Mix(s ^ (ulong)(uint)epoch);
        return new SeededRandom(Mix(s ^ (ulong)(uint)batch));
    }

    public ulong NextUInt64() => Mix(_state += Golden);

    /// <summary>A value in [0, <paramref name="exclusiveMax"/>), by multiply-shift on 32 random bits.</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)(((NextUInt64() >> 32) * (ulong)exclusiveMax) >> 32);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
