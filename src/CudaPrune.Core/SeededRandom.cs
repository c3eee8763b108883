namespace CudaPrune.Core;

/// <summary>
/// The one random generator of CudaPrune (SplitMix64; Steele, Lea, Flood 2014): the same seed gives the same
/// stream on every platform, backend and .NET version, which System.Random does not promise. Streams are
/// derived, not drawn in sequence — per named tensor (<see cref="ForName"/>) or per purpose, epoch and batch
/// (<see cref="For"/>) — so weights do not depend on which other layers exist, and a batch's randomness does not
/// depend on which thread prepares it or when.
/// </summary>
public sealed class SeededRandom(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    // The purposes that draw from one data seed, each its own stream.
    internal const ulong ShuffleStream = 1;
    internal const ulong AugmentStream = 2;
    internal const ulong SubsetStream = 3;

    private ulong _state = state;

    /// <summary>
    /// A generator for one named tensor: its stream depends only on the seed and the name, so a model
    /// whose spec changed elsewhere (a pruned or rebuilt layer) keeps the same initial weights for the others.
    /// </summary>
    public static SeededRandom ForName(long seed, string name)
    {
        // FNV-1a over the UTF-16 code units: stable, unlike string.GetHashCode, which is randomised per process.
        ulong h = 14695981039346656037UL;
        foreach (char c in name)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return new SeededRandom(Mix((ulong)seed ^ Mix(h)));
    }

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

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal (Box–Muller; one of the pair is dropped to keep the stream simple).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
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
