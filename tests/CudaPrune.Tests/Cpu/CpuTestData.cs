using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Cpu;

/// <summary>Seeded random data and tolerance checks shared by the CPU backend tests.</summary>
internal static class CpuTestData
{
    public static float[] Uniform(Random random, long count, float low = -1f, float high = 1f)
    {
        var data = new float[count];
        for (long i = 0; i < count; i++) data[i] = low + (high - low) * random.NextSingle();
        return data;
    }

    public static Tensor Uniform(IBackend backend, Random random, int[] shape, float low = -1f, float high = 1f) =>
        backend.FromArray(Uniform(random, Shapes.Count(shape), low, high), shape);

    /// <summary>
    /// Asserts |actual - expected| ≤ atol + rtol·|expected| element by element, reporting the count of
    /// failures and the worst one (index, both values).
    /// </summary>
    public static void AssertClose(float[] actual, float[] expected, double atol, double rtol, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        int failures = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]);
            double allowed = atol + rtol * Math.Abs(expected[i]);
            bool ok = error <= allowed || actual[i].Equals(expected[i]); // Equals: NaN = NaN, ∞ = ∞
            if (ok) continue;
            failures++;
            double excess = double.IsNaN(error) ? double.PositiveInfinity : error / allowed;
            if (worst < 0 || excess > worstExcess) (worst, worstExcess) = (i, excess);
        }
        Assert.That(failures, Is.Zero,
            () => $"{what}: {failures} of {actual.Length} elements differ beyond atol {atol} + rtol {rtol}·|expected|; " +
                  $"worst at [{worst}]: actual {actual[worst]}, expected {expected[worst]}");
    }
}
