namespace CudaPrune.Core.Nn;

/// <summary>
/// A small deterministic random generator of our own (SplitMix64), so the same seed gives the same
/// weights on every backend and every .NET version (System.Random's algorithm is not a contract).
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

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

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
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

    // SplitMix64's finaliser (Steele, Lea, Flood 2014).
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
