using CudaPrune.Cli;
using CudaPrune.Cli.Options;

namespace CudaPrune.Tests.Cli;

/// <summary>What <c>compare</c> runs when the command line leaves it open: the preset for the machine, and runs/compare-&lt;UTC time&gt;.</summary>
public class CompareDefaultsTests
{
    [TestCase(null, false, true, "gpu", false)] // a GPU: the preset of one lent GPU call, not the days-long full one
    [TestCase(null, false, false, "quick", true)] // no GPU: quick, and it says so
    [TestCase("full", false, false, "full", false)]
    [TestCase("gpu", false, false, "gpu", false)]
    [TestCase("quick", false, true, "quick", false)]
    [TestCase(null, true, true, "quick", false)] // --quick is --preset quick
    [TestCase("quick", true, false, "quick", false)]
    public void ThePresetFollowsTheOptionsThenTheMachine(string? preset, bool quick, bool onGpu, string expected, bool noted)
    {
        var choice = CompareDefaults.Preset(preset, quick, onGpu);

        var settings = expected switch { "gpu" => CudaPrune.Experiment.CompareSettings.Gpu, "full" => CudaPrune.Experiment.CompareSettings.Full, _ => CudaPrune.Experiment.CompareSettings.Quick };
        Assert.That(choice.Settings, Is.SameAs(settings));
        Assert.That(choice.Note is not null, Is.EqualTo(noted));
        if (noted) Assert.That(choice.Note, Does.Contain("quick preset").And.Contain("--preset full"));
    }

    [Test]
    public void QuickAndFullTogetherAreRefused() =>
        Assert.That(() => CompareDefaults.Preset("full", quick: true, onGpu: true), Throws.TypeOf<UsageException>());

    [Test]
    public void WithoutOutTheRunGoesToATimeStampedFolderUnderRuns()
    {
        var now = new DateTime(2026, 12, 4, 16, 35, 0, DateTimeKind.Utc);

        Assert.That(CompareDefaults.RunFolder(null, now), Is.EqualTo(Path.Combine("runs", "compare-20261204-163500")));
        Assert.That(CompareDefaults.RunFolder("runs/mine", now), Is.EqualTo("runs/mine"));
    }

    [Test]
    public void ALocalTimeIsWrittenInUtc()
    {
        var local = new DateTime(2026, 12, 4, 16, 35, 0, DateTimeKind.Utc).ToLocalTime();

        Assert.That(CompareDefaults.RunFolder(null, local), Does.EndWith("compare-20261204-163500"));
    }

    [TestCase("cpu", true, false)]
    [TestCase("emulated", true, false)]
    [TestCase("cuda", false, true)]
    [TestCase("cuda:1", false, true)]
    [TestCase("auto", true, true)]
    [TestCase("auto", false, false)]
    public void OnlyACudaDeviceCountsAsAGpu(string device, bool gpuPresent, bool expected) =>
        Assert.That(CompareDefaults.ComputesOnGpu(device, () => gpuPresent), Is.EqualTo(expected));
}
