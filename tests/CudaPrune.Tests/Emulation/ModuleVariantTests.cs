using System.Diagnostics;
using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>
/// Module variants on the emulator: a module compiled with defines is a library of its own, launched,
/// captured and checked like the main one. Only two variants are ever built here (SCALE=2 and SCALE=3 of
/// Toys/toy_defines.cu), each once per cache: every test below reuses them.
/// </summary>
[Category("Emulated")]
public class ModuleVariantTests
{
    private const string Module = "toy_defines";
    private const string Kernel = "toy_scaled";
    private static readonly ModuleDefines Two = ModuleDefines.Of(("SCALE", 2));
    private static readonly ModuleDefines Three = ModuleDefines.Of(("SCALE", 3));

    [Test]
    public unsafe void TwoDefineSetsGiveTwoVariantsEachWithItsOwnResultAndThePlainModuleStillWorks()
    {
        using var gpu = EmulatorToys.NewGpu();
        var x = EmulatorToys.RandomFloats(1000);

        var two = gpu.GetKernel(Module, Kernel, Two);
        var three = gpu.GetKernel(Module, Kernel, Three);
        var plain = gpu.GetKernel(Module, Kernel);

        Assert.That(Run(gpu, two, x), Is.EqualTo(x.Select(v => v * 2).ToArray()));
        Assert.That(Run(gpu, three, x), Is.EqualTo(x.Select(v => v * 3).ToArray()));
        Assert.That(Run(gpu, plain, x), Is.EqualTo(x), "without defines SCALE is the module's own default, 1");
        Assert.That(new[] { two.Handle, three.Handle, plain.Handle }, Is.Unique, "each variant is its own library");
        Assert.That(two.Defines, Is.EqualTo(Two));
        Assert.That(plain.Defines.IsEmpty, Is.True);
        Assert.That(two.ToString(), Is.EqualTo("toy_defines[SCALE=2]/toy_scaled"));
        Assert.That(gpu.GetKernel(Module, Kernel, ModuleDefines.Of(("SCALE", 2))).Handle, Is.EqualTo(two.Handle), "the same defines are the same variant");
        Assert.That(gpu.GetKernel(Module, Kernel, ModuleDefines.None).Handle, Is.EqualTo(plain.Handle));
    }

    [Test]
    public unsafe void AVariantsHandleIsRefusedUnderOtherDefines()
    {
        using var gpu = EmulatorToys.NewGpu();
        var two = gpu.GetKernel(Module, Kernel, Two);
        var forged = new GpuKernel(two.ModuleName, two.Name, two.Handle, Three);

        var e = Assert.Throws<ArgumentException>(() => Run(gpu, forged, [1f]));
        Assert.That(e!.Message, Does.Contain("toy_defines[SCALE=3]/toy_scaled").And.Contain("not obtained from this emulated device"));
    }

    [Test]
    public unsafe void ACapturedGraphReplaysLaunchesOfSeveralVariants()
    {
        using var gpu = EmulatorToys.NewGpu();
        var x = gpu.Upload(new[] { 1f, 2f, 3f });
        var y = gpu.Allocate(12);
        var z = gpu.Allocate(12);
        var two = gpu.GetKernel(Module, Kernel, Two);
        var three = gpu.GetKernel(Module, Kernel, Three);

        gpu.BeginCapture();
        var a = new KernelArgs();
        a.Add(y); a.Add(x); a.Add(3);
        gpu.Launch(two, 1, 32, 0, a.Pointers, a.Widths);
        var b = new KernelArgs();
        b.Add(z); b.Add(y); b.Add(3);
        gpu.Launch(three, 1, 32, 0, b.Pointers, b.Widths);
        using var graph = gpu.EndCapture();
        gpu.LaunchGraph(graph);

        Assert.That(gpu.Download<float>(z, 3), Is.EqualTo(new[] { 6f, 12f, 18f }), "x * 2 by one library, then * 3 by the other");
    }

    [Test]
    public void AVariantIsBuiltFromTheRuntimesCachedObjectsAndThenCached()
    {
        EmulatorBuild.Library(EmulatorToys.Sources); // the runtime's objects are in the cache from here on
        var logged = new List<string>();
        var options = new EmulatorBuildOptions { Log = logged.Add };

        var watch = Stopwatch.StartNew();
        var first = EmulatorBuild.ModuleVariant(EmulatorToys.Sources, Module, Two, options);
        var firstSeconds = watch.Elapsed.TotalSeconds;
        Assert.That(logged, Has.None.Contains("): emu/"), "the runtime's objects come from the cache");
        Assert.That(logged.Where(l => l.Contains(".cpp")), Has.All.Contain("toy_defines.emu.cpp").Or.Contain("kernel_table.cpp"),
            "only the module (and the small table) is compiled");

        var steps = logged.Count;
        logged.Clear();
        watch.Restart();
        Assert.That(EmulatorBuild.ModuleVariant(EmulatorToys.Sources, Module, Two, options), Is.EqualTo(first));
        Assert.That(logged, Is.Empty, "a built variant is cached");
        TestContext.Progress.WriteLine($"variant: first request {firstSeconds:F2} s ({steps} g++ steps; 0 = already cached), cached {watch.Elapsed.TotalSeconds:F3} s");
        Assert.That(EmulatorBuild.Library(EmulatorToys.Sources), Is.Not.EqualTo(first), "a variant is not the main library");
    }

    [Test]
    public void AMissingDefineIsACompileErrorNamingTheModuleAndTheDefines()
    {
        var sources = EmulatorSources.RuntimeOnly().WithFile("toy_required.cu", """
            #include "common.cuh"
            KERNEL void toy_rows(float* y, int n) {
                GRID_STRIDE_LOOP(i, n) y[i] = (float)(i % WIDTH);
            }
            """);
        using var gpu = new EmulatedGpu(sources);

        var e = Assert.Throws<EmulatorBuildException>(() => gpu.GetKernel("toy_required", "toy_rows", ModuleDefines.Of(("HEIGHT", 4))));

        Assert.That(e!.Message, Does.Contain("toy_required.cu").And.Contain("HEIGHT=4").And.Contain("WIDTH"));
    }

    [Test]
    public void AVariantOfAModuleThatDoesNotExistSaysWhichDo()
    {
        using var gpu = EmulatorToys.NewGpu();

        var e = Assert.Throws<ArgumentException>(() => gpu.GetKernel("no_such_module", Kernel, Two));

        Assert.That(e!.Message, Does.Contain("no_such_module.cu").And.Contain("toy_defines"));
    }

    private static unsafe float[] Run(EmulatedGpu gpu, GpuKernel kernel, float[] x)
    {
        var inp = gpu.Upload(x);
        var outp = gpu.Allocate(4L * x.Length);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp); a.Add(x.Length);
        gpu.Launch(kernel, Dim3.CeilDiv(x.Length, 256), 256, 0, a.Pointers, a.Widths);
        return gpu.Download<float>(outp, x.Length);
    }
}
