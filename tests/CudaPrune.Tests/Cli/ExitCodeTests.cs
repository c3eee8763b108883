using CudaPrune.Cli;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Cli;

/// <summary>Exit codes: 2 for a usage error, 1 for a runtime error, 130 when interrupted (README, "Exit codes").</summary>
[NonParallelizable] // redirects the console
public class ExitCodeTests
{
    [TestCase("eval", "--checkpoint", "x.safetensors", "--no-such-option")]
    [TestCase("eval")] // --checkpoint is required
    [TestCase("eval", "--checkpoint", "x.safetensors", "--batch", "many")]
    [TestCase("verify", "--device", "gpu")]
    [TestCase("compare", "--preset", "huge")]
    [TestCase("no-such-command")]
    public void WhatTheParserRejectsIsAUsageError(params string[] args)
    {
        var run = CliRunner.Run(args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Is.Not.Empty);
    }

    [Test]
    public void ABadValueCheckedByTheCommandIsAUsageError()
    {
        var run = CliRunner.Run("eval", "--checkpoint", "x.safetensors", "--batch", "0");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.StartWith("error: --batch must be at least 1"));
    }

    [Test]
    public void ConflictingPresetsAreAUsageError()
    {
        var run = CliRunner.Run("compare", "--quick", "--preset", "full", "--out", Path.Combine(Path.GetTempPath(), "never-written"));

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("--quick is --preset quick"));
    }

    [Test]
    public void ARuntimeErrorExitsWithOne()
    {
        var run = CliRunner.Run("eval", "--checkpoint", Path.Combine(Path.GetTempPath(), "no-such-checkpoint.safetensors"), "--device", "cpu");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("checkpoint not found"));
    }

    [Test]
    public void AnArgumentExceptionOutsideTheBindingIsARuntimeError()
    {
        Assert.That(Quietly(() => CommandRunner.Run(() => throw new ArgumentException("a shape mismatch"))), Is.EqualTo(1));
        Assert.That(Quietly(() => CommandRunner.Run(() => CommandRunner.Usage<int>(() => throw new ArgumentException("bad --x")))), Is.EqualTo(2));
    }

    [Test]
    public void ACancelledCommandExitsWith130()
    {
        // What Ctrl+C and SIGTERM do, requested from inside the command as a signal would be mid-run.
        int code = Quietly(() => CommandRunner.Run(() =>
        {
            CommandRunner.RequestCancellation();
            CommandRunner.Cancellation.ThrowIfCancellationRequested();
            return 0;
        }));

        Assert.That(code, Is.EqualTo(130));
    }

    [Test]
    public void ACancellationWrappedInAnAggregateStillExitsWith130() =>
        Assert.That(Quietly(() => CommandRunner.Run(() => throw new AggregateException(new OperationCanceledException()))), Is.EqualTo(130));

    private static int Quietly(Func<int> run)
    {
        var error = Console.Error;
        Console.SetError(new StringWriter());
        try { return run(); }
        finally { Console.SetError(error); }
    }
}
