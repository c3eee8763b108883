using CudaPrune.Core.Autograd;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Autograd;

/// <summary>
/// Compares autograd's gradients with central finite differences. The scalar checked is
/// L = Σ r ⊙ f(inputs) for a fixed random r (so every output entry matters), computed in double from
/// float32 outputs; every entry of every input is perturbed.
/// </summary>
internal static class GradientCheck
{
    /// <summary>
    /// Asserts |analytic - numeric| ≤ atol + rtol·|numeric| for every entry, where
    /// numeric = (L(x + ε) - L(x - ε)) / (actual step), and that the gradient is not trivially zero.
    /// </summary>
    public static void Check(Func<Tensor> f, Tensor[] inputs, double eps = 1e-2, double atol = 1e-3, double rtol = 2e-2, int seed = 7)
    {
        foreach (var t in inputs)
        {
            t.RequiresGrad = true;
            t.Grad = null;
        }
        var y = f();
        var random = new Random(seed);
        var r = new float[y.Count];
        for (int i = 0; i < r.Length; i++) r[i] = 2f * random.NextSingle() - 1f;
        y.Backward(y.Backend.FromArray(r, y.Shape));
        var analytic = inputs.Select(t => t.Grad?.ToArray() ?? throw new AssertionException($"{t.Describe()} got no gradient")).ToArray();

        int checkedCount = 0, failures = 0;
        string worst = "";
        double worstExcess = -1, largest = 0;
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                var data = inputs[i].Span<float>();
                for (int j = 0; j < data.Length; j++)
                {
                    float original = data[j];
                    float plus = (float)(original + eps), minus = (float)(original - eps);
                    data[j] = plus;
                    double lossPlus = Loss(f, r);
                    data = inputs[i].Span<float>();
                    data[j] = minus;
                    double lossMinus = Loss(f, r);
                    data = inputs[i].Span<float>();
                    data[j] = original;
                    double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
                    double a = analytic[i][j];
                    double excess = Math.Abs(a - numeric) / (atol + rtol * Math.Abs(numeric));
                    checkedCount++;
                    largest = Math.Max(largest, Math.Abs(a));
                    if (excess > 1 || double.IsNaN(excess)) failures++;
                    if (excess > worstExcess || double.IsNaN(excess))
                    {
                        worstExcess = double.IsNaN(excess) ? double.PositiveInfinity : excess;
                        worst = $"{inputs[i].Describe()}[{j}]: autograd {a:G6}, finite differences {numeric:G6}";
                    }
                }
            }
        }
        TestContext.Out.WriteLine($"{checkedCount} entries checked, worst at {worstExcess:F2} of the tolerance: {worst}");
        Assert.That(failures, Is.Zero, $"{failures} of {checkedCount} gradient entries are off by more than {atol} + {rtol}·|numeric|; worst: {worst}");
        Assert.That(largest, Is.GreaterThan(10 * atol), "every gradient is ~0: the check would prove nothing");
    }

    private static double Loss(Func<Tensor> f, float[] r)
    {
        var y = f().ToArray();
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)r[i] * y[i];
        return sum;
    }
}
