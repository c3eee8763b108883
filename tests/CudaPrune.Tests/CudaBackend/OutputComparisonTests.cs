using CudaPrune.Core.Backends.Cuda.Verification;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>The element test of every kernel check: |out - ref| ≤ atol + rtol·|ref|, NaN only equal to NaN, exact outputs exact.</summary>
public class OutputComparisonTests
{
    private static KernelCheckResult Compare(float reference, float actual, double atol, double rtol, bool exact = false) =>
        OutputComparison.Compare([new CheckOutput("y", [1f, reference], exact)], [new CheckOutput("y", [1f, actual], exact)], atol, rtol);

    [Test]
    public void AnErrorWithinAtolPlusRtolTimesTheReferencePasses()
    {
        var r = Compare(100f, 100.05f, 0.01, 1e-3);   // bound 0.01 + 0.1
        Assert.That(r.Passed, Is.True);
        Assert.That(r.MaxAbsError, Is.EqualTo(0.05).Within(1e-5));
        Assert.That(r.MaxRelError, Is.EqualTo(5e-4).Within(1e-7));
    }

    [Test]
    public void AnErrorBeyondTheBoundFailsAndNamesTheElement()
    {
        var r = Compare(100f, 100.2f, 0.01, 1e-3);
        Assert.That(r.Passed, Is.False);
        Assert.That(r.Note, Does.Contain("y[1]"));
    }

    [Test]
    public void NaNMatchesOnlyNaN()
    {
        Assert.That(Compare(float.NaN, float.NaN, 0, 0).Passed, Is.True);
        Assert.That(Compare(float.NaN, 1f, 1, 1).Passed, Is.False);
        Assert.That(Compare(1f, float.NaN, 1, 1).Passed, Is.False);
        Assert.That(Compare(float.PositiveInfinity, float.PositiveInfinity, 0, 0).Passed, Is.True);
    }

    [Test]
    public void ExactOutputsIgnoreTheTolerance()
    {
        Assert.That(Compare(3f, 4f, 10, 10, exact: true).Passed, Is.False);
        Assert.That(Compare(3f, 3f, 0, 0, exact: true).Passed, Is.True);
    }

    [Test]
    public void OutputsOfDifferentLengthsFail()
    {
        var r = OutputComparison.Compare([new CheckOutput("y", [1f, 2f])], [new CheckOutput("y", [1f])], 1, 1);
        Assert.That(r.Passed, Is.False);
        Assert.That(r.Note, Does.Contain("1 values, the reference has 2"));
    }
}
