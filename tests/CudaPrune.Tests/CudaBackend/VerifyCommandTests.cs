using CudaPrune.Cli;

namespace CudaPrune.Tests.CudaBackend;

/// <summary><c>cudaprune verify</c> end to end through the command line.</summary>
public class VerifyCommandTests
{
    private static (int Exit, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(output);
        try
        {
            return (Program.BuildRoot().Parse(args).Invoke(), output.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    [Test]
    [Category("Emulated")]
    public void VerifyOnTheEmulatorPrintsARowPerCheckAndASummary()
    {
        EmulatedDevice.Open().Dispose(); // ignored (or failed under CI) without the emulator

        var (exit, output) = Run("verify", "--device", "emulated", "--quick", "--op", "scale");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("device: emulated"));
        Assert.That(output, Does.Contain("max abs err").And.Contain("tolerance"));
        Assert.That(output, Does.Match(@"scale_kernel1 +1 +64 +n=7 .* exact +pass"));
        Assert.That(output, Does.Contain("scale_kernel2"));
        Assert.That(output, Does.Contain("verify on emulated: 8 checks, 8 passed, 0 FAILED, 0 skipped"));
    }

    [Test]
    public void AnOpThatMatchesNothingListsTheOpsAndFails()
    {
        var (exit, output) = Run("verify", "--quick", "--op", "no_such_op");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("no kernel check matches").And.Contain("batch_norm_backward"));
    }

    [Test]
    public void ADeviceOtherThanCudaOrEmulatedIsRefused()
    {
        var (exit, output) = Run("verify", "--device", "cpu");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("cpu"));
    }
}
