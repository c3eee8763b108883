using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.CudaBackend;

/// <summary><c>cudaprune verify</c> end to end through the command line.</summary>
[NonParallelizable] // redirects the console
public class VerifyCommandTests
{
    [Test]
    [Category("Emulated")]
    public void VerifyOnTheEmulatorPrintsARowPerCheckAndASummary()
    {
        EmulatedDevice.Open().Dispose(); // ignored (or failed under CI) without the emulator

        var run = CliRunner.Run("verify", "--device", "emulated", "--quick", "--op", "scale");

        Assert.That(run.ExitCode, Is.Zero, run.Out + run.Error);
        Assert.That(run.Out, Does.Contain("device: emulated"));
        Assert.That(run.Out, Does.Contain("max abs err").And.Contain("tolerance"));
        Assert.That(run.Out, Does.Match(@"scale_kernel1 +1 +64 +n=7 .* exact +pass"));
        Assert.That(run.Out, Does.Contain("scale_kernel2"));
        Assert.That(run.Out, Does.Contain("verify on emulated: 8 checks, 8 passed, 0 FAILED, 0 skipped"));
    }

    [Test]
    public void AnOpThatMatchesNothingListsTheOpsAndFails()
    {
        var run = CliRunner.Run("verify", "--quick", "--op", "no_such_op");

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain("no kernel check matches").And.Contain("batch_norm_backward"));
    }

    [Test]
    public void ADeviceOtherThanCudaOrEmulatedIsRefused()
    {
        var run = CliRunner.Run("verify", "--device", "cpu");

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain("'cpu' not recognized").And.Contain("'cuda'").And.Contain("'emulated'"));
    }
}
