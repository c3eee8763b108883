using CudaPrune.Core.Backends.Cuda.Verification;

namespace CudaPrune.Tests.CudaBackend;

using CudaPrune.Core.Backends.Cuda;

/// <summary>Every kernel check of the catalog (quick shapes) through the emulator against the CPU reference.</summary>
[Category("Emulated")]
public class EmulatedKernelCheckTests
{
    private CudaBackend? _backend;

    private static IEnumerable<TestCaseData> QuickChecks =>
        KernelCheckCatalog.All(quick: true).Select(c => new TestCaseData(c).SetName(c.ToString()));

    [OneTimeSetUp]
    public void OpenDevice() => _backend = EmulatedDevice.OpenBackend();

    [OneTimeTearDown]
    public void CloseDevice() => _backend?.Dispose();

    [TestCaseSource(nameof(QuickChecks))]
    public void KernelMatchesTheCpuReference(KernelCheck check)
    {
        if (check.NeedsMma) Assert.Ignore(KernelVerifier.MmaSkipReason);

        var outcome = KernelVerifier.RunOne(_backend!, check);

        Assert.That(outcome.Status, Is.EqualTo(CheckStatus.Passed), VerificationTable.Row(outcome));
    }
}
