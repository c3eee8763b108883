namespace CudaPrune.Cuda.Runtime;

/// <summary>A grid or block size, as in CUDA.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    public static implicit operator Dim3(int x) => new((uint)x);

    public long Total => (long)X * Y * Z;

    /// <summary>ceil(n / d), for grid sizes.</summary>
    public static int CeilDiv(long n, long d) => checked((int)((n + d - 1) / d));

    public override string ToString() => Y == 1 && Z == 1 ? $"{X}" : $"({X},{Y},{Z})";
}
