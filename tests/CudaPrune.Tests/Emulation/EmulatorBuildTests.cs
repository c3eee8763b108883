using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>The emulator build: new modules need no change, errors carry g++'s output, builds are cached.</summary>
[Category("Emulated")]
public class EmulatorBuildTests
{
    private const string NewModule = """
        #include "common.cuh"
        KERNEL void fresh_scale(float* out, const float* inp, float alpha, int n) {
            GRID_STRIDE_LOOP(i, n) out[i] = alpha * inp[i];
        }
        """;

    [Test]
    public unsafe void ANewModuleIsBuiltAndLaunchableWithNoOtherChange()
    {
        using var gpu = new EmulatedGpu(EmulatorSources.RuntimeOnly().WithFile("fresh.cu", NewModule));
        Assert.That(gpu.Kernels.Single().ArgSizes, Is.EqualTo(new[] { 8, 8, 4, 4 }));
        Assert.That(RunFresh(gpu, -2f), Is.EqualTo(new[] { -2f, -4f, -6f }));
    }

    [Test]
    public void ACompileErrorCarriesTheFileLineAndGccMessage()
    {
        var sources = EmulatorSources.RuntimeOnly().WithFile("broken.cu", NewModule.Replace("alpha * inp[i]", "alpha * undeclared_thing"));
        var e = Assert.Throws<EmulatorBuildException>(() => EmulatorBuild.Library(sources));
        Assert.That(e!.Message, Does.Contain("broken.cu:3").And.Contain("undeclared_thing").And.Contain("error"));
    }

    [Test]
    public void AMissingCompilerIsReportedWithWhatToInstall()
    {
        var options = new EmulatorBuildOptions { Compiler = "/nonexistent/bin/g++" };
        var e = Assert.Throws<EmulatorBuildException>(() => EmulatorBuild.Library(EmulatorToys.Sources, options));
        Assert.That(e!.Message, Does.Contain("/nonexistent/bin/g++").And.Contain("apt-get install g++").And.Contain("CUDAPRUNE_CXX"));
    }

    [Test]
    public void ABuildIsCachedByItsSourcesAndAnEditedKernelIsRebuilt()
    {
        var logged = new List<string>();
        var options = new EmulatorBuildOptions { Log = logged.Add };
        var sources = EmulatorSources.RuntimeOnly().WithFile("fresh.cu", NewModule);
        var edited = sources.WithFile("fresh.cu", NewModule.Replace("alpha * inp[i]", "alpha + inp[i]"));

        var first = EmulatorBuild.Library(sources, options);
        logged.Clear();
        Assert.That(EmulatorBuild.Library(sources, options), Is.EqualTo(first));
        Assert.That(logged, Is.Empty, "a cached build compiles nothing");

        Assert.That(EmulatorBuild.Library(edited, options), Is.Not.EqualTo(first));
        Assert.That(logged, Has.None.Contains("): emu/"), "the runtime's objects come from the cache");
        using var gpu = new EmulatedGpu(edited);
        Assert.That(RunFresh(gpu, -2f), Is.EqualTo(new[] { -1f, 0f, 1f }), "the edited kernel runs");
    }

    [Test]
    public void AKernelBehindTheMmaMacroIsSkippedWithTheReason()
    {
        using var gpu = EmulatorToys.NewGpu();
        Assert.That(gpu.GetKernel("toy_mma", "toy_portable").Name, Is.EqualTo("toy_portable"));
        var e = Assert.Throws<EmulatorUnsupportedKernelException>(() => gpu.GetKernel("toy_mma", "toy_tensor_cores"));
        Assert.That(e!.Message, Does.Contain("#if CUDAPRUNE_HAS_MMA").And.Contain("toy_mma.cu:6").And.Contain("tensor-core"));
        Assert.That(gpu.GpuOnlyKernels.Select(k => k.Name), Is.EqualTo(new[] { "toy_tensor_cores" }));
    }

    private static unsafe float[] RunFresh(EmulatedGpu gpu, float alpha)
    {
        var inp = gpu.Upload(new[] { 1f, 2f, 3f });
        var outp = gpu.Allocate(12);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp); a.Add(alpha); a.Add(3);
        gpu.Launch(gpu.GetKernel("fresh", "fresh_scale"), 1, 32, 0, a.Pointers, a.Widths);
        return gpu.Download<float>(outp, 3);
    }
}
