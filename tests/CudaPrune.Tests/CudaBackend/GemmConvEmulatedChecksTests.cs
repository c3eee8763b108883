using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Cuda.Emulation;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>The quick checks of the GEMM, convolution and inference kernels, each through the emulator against the CPU reference.</summary>
[Category("Emulated")]
public class GemmConvEmulatedChecksTests
{
    private Core.Backends.Cuda.CudaBackend? _backend;

    private static IEnumerable<TestCaseData> QuickChecks() =>
        new IKernelCheckSource[] { new GemmChecks(), new Conv2dChecks(), new InferenceChecks() }
            .SelectMany(s => s.Checks(quick: true))
            .Select(c => new TestCaseData(c).SetArgDisplayNames(c.ToString()));

    [OneTimeSetUp]
    public void OpenEmulator() => _backend = new Core.Backends.Cuda.CudaBackend(new EmulatedGpu());

    [OneTimeTearDown]
    public void CloseEmulator() => _backend?.Dispose();

    [TestCaseSource(nameof(QuickChecks))]
    public void KernelMatchesTheCpuReference(KernelCheck check)
    {
        var result = check.Run(_backend!);

        Assert.That(result.Passed, Is.True,
            $"{check}: max abs error {result.MaxAbsError:G3} (atol {check.Atol:G3}, rtol {check.Rtol:G3}); {result.Note}");
    }
}
