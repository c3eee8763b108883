using CudaPrune.Profiling;

namespace CudaPrune.Tests.Profiling;

/// <summary>The comma-separated lists of profile and compare: what is accepted and the error for everything else.</summary>
public class ListOptionsTests
{
    [Test]
    public void BatchSizesAreParsedInOrder()
    {
        Assert.That(ListOptions.BatchSizes("1,8, 32"), Is.EqualTo(new[] { 1, 8, 32 }));
    }

    [TestCase("1,,8", "empty")]
    [TestCase("", "empty")]
    [TestCase("0", "'0' is not a batch size")]
    [TestCase("-4", "'-4' is not a batch size")]
    [TestCase("1.5", "'1.5' is not a batch size")]
    [TestCase("eight", "'eight' is not a batch size")]
    [TestCase("8,8", "listed twice")]
    public void BadBatchListsAreRefusedNamingTheOption(string text, string message)
    {
        Assert.That(() => ListOptions.BatchSizes(text, "--batch-sizes"),
            Throws.ArgumentException.With.Message.Contain("--batch-sizes").And.Message.Contain(message));
    }

    [Test]
    public void BudgetsAreFractionsInsideZeroToOne()
    {
        Assert.That(ListOptions.Budgets("0.75,0.5,0.3"), Is.EqualTo(new[] { 0.75, 0.5, 0.3 }));
    }

    [TestCase("1.5", "outside (0, 1)")]
    [TestCase("0", "outside (0, 1)")]
    [TestCase("1", "outside (0, 1)")]
    [TestCase("-0.5", "outside (0, 1)")]
    [TestCase("half", "not a number")]
    [TestCase("0.5,0.5", "listed twice")]
    public void BadBudgetsAreRefused(string text, string message)
    {
        Assert.That(() => ListOptions.Budgets(text), Throws.ArgumentException.With.Message.Contain("--budgets").And.Message.Contain(message));
    }
}
