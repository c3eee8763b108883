using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cuda.Verification;

namespace CudaPrune.Tests.CudaBackend;

using CudaPrune.Core.Backends.Cuda;

/// <summary>The verification runner: pass, fail, skip, exceptions and device re-opening, and its table.</summary>
[Category("Emulated")]
public class KernelVerifierTests
{
    private static KernelCheck Fake(string op, Func<CudaBackend, KernelCheckResult> run, bool needsMma = false) =>
        new(op, 1, 0, "fake", 0, 0, run, needsMma);

    [Test]
    public void ARunGoesOnAfterAThrowingCheckOnAFreshDeviceAndCountsEachOutcome()
    {
        var passing = new ElementwiseChecks().Checks(quick: true).First(c => c.Op == "scale");
        KernelCheck[] checks =
        [
            Fake("throws", _ => throw new InvalidOperationException("boom")),
            passing,
            Fake("differs", _ => new KernelCheckResult(1, 1, false, "first failure: y[0]")),
            Fake("tensor_cores", _ => throw new AssertionException("a tensor-core check must not run on the emulator"), needsMma: true),
        ];
        int reopened = 0;

        var report = KernelVerifier.Run(EmulatedDevice.OpenBackend(), () => { reopened++; return EmulatedDevice.OpenBackend(); }, checks);

        Assert.That(report.Outcomes.Select(o => o.Status),
            Is.EqualTo(new[] { CheckStatus.Failed, CheckStatus.Passed, CheckStatus.Failed, CheckStatus.Skipped }));
        Assert.That(report.Outcomes[0].Reason, Does.Contain("InvalidOperationException: boom"));
        Assert.That(report.Outcomes[2].Reason, Does.Contain("y[0]"));
        Assert.That(report.Outcomes[3].Reason, Is.EqualTo(KernelVerifier.MmaSkipReason));
        Assert.That(reopened, Is.EqualTo(1), "a fresh device after the check that threw");
        Assert.That(report.AllPassed, Is.False);
        Assert.That(report.Summary, Does.Contain("on emulated: 4 checks, 1 passed, 2 FAILED, 1 skipped"));
    }

    [Test]
    public void ACheckFailsWhenTheDeviceDiffersFromTheReference()
    {
        using var backend = EmulatedDevice.OpenBackend();
        var check = ReferenceCheck.Create("scale", 1, 64, "n=5", 1e-6, 1e-6, be =>
        {
            var t = be.FromArray([1f, 2f, 3f, 4f, 5f], [5]);
            be.Scale(t, be is CudaBackend ? 2.001f : 2f);
            return [new CheckOutput("t", t.ToArray())];
        });

        var outcome = KernelVerifier.RunOne(backend, check);

        Assert.That(outcome.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(outcome.Result!.MaxAbsError, Is.EqualTo(0.005).Within(1e-6));
        Assert.That(outcome.Reason, Does.Contain("t[0] = 2.00099993, reference 2"));
        Assert.That(VerificationTable.Row(outcome), Does.StartWith("scale_kernel1").And.Contain("FAIL"));
    }

    [Test]
    public void OnlyTheChosenVersionAndBlockSizeRunAndTheBackendIsResetAfterwards()
    {
        using var backend = EmulatedDevice.OpenBackend();
        var observer = new LaunchRecorder();
        backend.Observer = observer;
        var check = new ElementwiseChecks().Checks(quick: true).First(c => c is { Op: "relu_forward", Version: 1 });

        KernelVerifier.RunOne(backend, check);

        Assert.That(observer.Kernels, Has.Member("relu_forward_kernel1").And.No.Member("relu_forward_kernel2"));
        Assert.That(backend.Versions.Get("relu_forward", 2), Is.EqualTo(2), "versions are back to the defaults");
    }

    // KERNEL [__launch_bounds__(...)] void name( — over line breaks, bounds with one level of parentheses.
    private static readonly System.Text.RegularExpressions.Regex KernelDeclaration =
        new(@"\bKERNEL\s+(?:__launch_bounds__\s*\((?:[^()]|\([^()]*\))*\)\s*)?void\s+(\w+)\s*\(");

    private static IEnumerable<(string Module, string Kernel)> DeclaredKernels() =>
        CudaPrune.Cuda.Compilation.KernelSources.Embedded.ModuleNames.SelectMany(m =>
            KernelDeclaration.Matches(CudaPrune.Cuda.Compilation.KernelSources.Embedded.Source(m)).Select(x => (m, x.Groups[1].Value)));

    [Test]
    public void EveryDeclaredKernelBelongsToAFamilyOfItsModuleOrIsANamedHelper()
    {
        var declared = DeclaredKernels().ToList();
        var inFamilies = KernelFamilies.All.SelectMany(f => f.Versions.SelectMany(v =>
            f.KernelsOf(v).Select(k => (Module: v == 3 && f.Module == ConvKernels.Module ? ConvKernels.SpecialisedModule : f.Module, Kernel: k)))).ToHashSet();

        var orphans = declared.Where(d => !inFamilies.Contains(d) && !KernelFamilies.Helpers.ContainsKey(d.Kernel)).ToList();

        Assert.That(declared, Has.Count.GreaterThan(60), "the scan found the kernels, tiled ones included");
        Assert.That(orphans, Is.Empty, "kernels no family lists: add them to KernelFamilies");
    }

    [Test]
    public void EveryKernelAFamilyListsIsDeclaredInItsModule()
    {
        var declared = DeclaredKernels().ToHashSet();
        var missing = KernelFamilies.All.SelectMany(f => f.Versions.SelectMany(v => f.KernelsOf(v)
                .Select(k => (Module: v == 3 && f.Module == ConvKernels.Module ? ConvKernels.SpecialisedModule : f.Module, Kernel: k))
                .Where(k => !(k.Kernel == ConvKernels.SplitReduceKernel && k.Module == ConvKernels.SpecialisedModule))))
            .Where(k => !declared.Contains(k)).ToList();

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void EveryVersionOfEveryFamilyIsChecked()
    {
        var checkedVersions = KernelCheckCatalog.All(quick: true).Select(c => (c.Op, c.Version)).ToHashSet();

        var unchecked_ = KernelFamilies.All.SelectMany(f => f.Versions.Select(v => (f.Op, Version: v)))
            .Where(fv => !checkedVersions.Contains(fv)).ToList();

        Assert.That(unchecked_, Is.Empty, "verify (KernelCheckCatalog) runs every version of every op");
    }

    [Test]
    public void EveryFamilysDefaultIsOneOfItsVersionsAndUnknownOpsAreNamed()
    {
        Assert.That(KernelFamilies.All.Where(f => !f.Versions.Contains(f.DefaultVersion)).Select(f => f.Op), Is.Empty);
        var e = Assert.Throws<ArgumentException>(() => KernelFamilies.Of("relu_forwrd"));
        Assert.That(e!.Message, Does.Contain("relu_forward"));
    }

    private sealed class LaunchRecorder : CudaPrune.Core.Profiling.IOpObserver
    {
        public List<string> Kernels { get; } = [];
        public void Begin(in CudaPrune.Core.Profiling.OpInfo op) => Kernels.Add(op.Name);
        public void End() { }
    }
}
