namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// What the GEMM, convolution and inference checks share: seeded inputs, the tolerance of an FP32 sum,
/// the element-wise comparison, and running an op with one kernel version selected.
/// </summary>
public static class KernelCheckKit
{
    /// <summary>
    /// Absolute tolerance of an FP32 sum of <paramref name="terms"/> products of values in [-1, 1], against
    /// a double-precision reference: 1e-5·√K + 1e-7·K. Rounding each partial sum (a random walk of size
    /// about √k / 3) costs about u·√k / 3 (u = 6e-8), so a sequential sum errs by about u·K / 4: 1e-7 at
    /// K = 9, 7e-5 at K = 4608 (a vgg16 layer), 4e-3 at K = 262144 (a weight gradient at batch 256). The
    /// bound keeps 10x headroom at K = 4608 and 7x at 262144, while a wrong tap, tile edge or lost split
    /// is off by O(√K / 3) and fails.
    /// </summary>
    public static double SumTolerance(long terms) => 1e-5 * Math.Sqrt(Math.Max(1, terms)) + 1e-7 * terms;

    /// <summary>Relative tolerance on top: FP32's own rounding of the result, with room for a reordered sum.</summary>
    public const double SumRelativeTolerance = 1e-5;

    /// <summary><paramref name="count"/> values uniform in [-1, 1), the same for the same seed.</summary>
    public static float[] Uniform(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Passes when every element satisfies |actual - expected| ≤ atol + rtol·|expected| (a NaN never does).</summary>
    public static KernelCheckResult Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double atol, double rtol)
    {
        if (actual.Length != expected.Length)
            return new KernelCheckResult(double.PositiveInfinity, double.PositiveInfinity, false, $"{actual.Length} values, expected {expected.Length}");
        double maxAbs = 0, maxRel = 0;
        int bad = 0, firstBad = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double reference = expected[i], error = Math.Abs(actual[i] - reference);
            if (double.IsNaN(error)) error = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, error);
            if (Math.Abs(reference) > atol) maxRel = Math.Max(maxRel, error / Math.Abs(reference));
            if (error <= atol + rtol * Math.Abs(reference)) continue;
            if (bad++ == 0) firstBad = i;
        }
        string? note = bad == 0 ? null
            : $"{bad} of {actual.Length} values out of tolerance; first at [{firstBad}]: {actual[firstBad]:G9}, expected {expected[firstBad]:G9}";
        return new KernelCheckResult(maxAbs, maxRel, bad == 0, note);
    }

    /// <summary>
    /// Runs <paramref name="run"/> with <paramref name="version"/> of <paramref name="op"/> (and the block size,
    /// tile and split count where given) selected on <paramref name="backend"/>, then puts every selection back
    /// to the defaults.
    /// </summary>
    public static KernelCheckResult WithVersion(CudaBackend backend, string op, int version, int blockSize,
        Func<KernelCheckResult> run, ConvTile? tile = null, int? splits = null)
    {
        backend.Versions.Reset();
        backend.Versions.Set(op, version);
        if (blockSize > 0) backend.Versions.SetBlockSize(op, blockSize);
        backend.ConvTileOverride = tile;
        backend.ConvSplitsOverride = splits;
        try
        {
            return run();
        }
        finally
        {
            backend.Versions.Reset();
            backend.ConvTileOverride = null;
            backend.ConvSplitsOverride = null;
        }
    }

    /// <summary>A seed from a case's parameters, the same in every run (unlike <see cref="HashCode"/>).</summary>
    public static int Seed(params int[] values)
    {
        unchecked
        {
            int seed = 17;
            foreach (int v in values) seed = seed * 31 + v;
            return seed & int.MaxValue;
        }
    }
}
