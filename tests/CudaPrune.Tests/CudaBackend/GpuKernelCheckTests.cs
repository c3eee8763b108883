using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Tests.Cuda;

namespace CudaPrune.Tests.CudaBackend;

using CudaPrune.Core.Backends.Cuda;

/// <summary>Every kernel check of the catalog at realistic shapes on CUDA device 0; ignored without a device.</summary>
[Category("Gpu")]
public class GpuKernelCheckTests
{
    private CudaBackend? _backend;

    private static IEnumerable<TestCaseData> FullChecks =>
        KernelCheckCatalog.All(quick: false).Select(c => new TestCaseData(c).SetName(c.ToString()));

    [OneTimeSetUp]
    public void OpenDevice() => _backend = new CudaBackend(Requirements.Gpu());

    [OneTimeTearDown]
    public void CloseDevice() => _backend?.Dispose();

    [TestCaseSource(nameof(FullChecks))]
    public void KernelMatchesTheCpuReference(KernelCheck check)
    {
        var outcome = KernelVerifier.RunOne(_backend!, check);

        Assert.That(outcome.Status, Is.EqualTo(CheckStatus.Passed), VerificationTable.Row(outcome));
    }
}
