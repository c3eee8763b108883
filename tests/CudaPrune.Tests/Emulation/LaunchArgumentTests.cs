using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>
/// Every launch's argument widths are compared with the kernel's signature: a wrong, missing or extra
/// argument (silent corruption on a GPU) fails with the kernel, the argument and both widths named.
/// </summary>
[Category("Emulated")]
public class LaunchArgumentTests
{
    // toy_add_scalar(float* out, const float* inp, float alpha, int n)
    private const string Module = "toy_elementwise", Kernel = "toy_add_scalar";

    [Test]
    public unsafe void ALongWhereTheKernelTakesAnIntFailsNamingKernelArgumentAndWidths()
    {
        using var gpu = EmulatorToys.NewGpu();
        var buffer = gpu.Allocate(64 * 4);
        var a = new KernelArgs();
        a.Add(buffer); a.Add(buffer); a.Add(1f); a.Add(64L); // n is an int
        var e = LaunchFails(gpu, a.Pointers, a.Widths.ToArray());
        Assert.That(e.Message, Does.Contain("toy_add_scalar").And.Contain("toy_elementwise.cu")
            .And.Contain("argument 3 (n)").And.Contain("4 bytes in the kernel's signature").And.Contain("passes 8 bytes"));
    }

    [Test]
    public unsafe void AMissingArgumentFailsNamingIt()
    {
        using var gpu = EmulatorToys.NewGpu();
        var buffer = gpu.Allocate(64 * 4);
        var a = new KernelArgs();
        a.Add(buffer); a.Add(buffer); a.Add(1f); // n forgotten
        var e = LaunchFails(gpu, a.Pointers, a.Widths.ToArray());
        Assert.That(e.Message, Does.Contain("toy_add_scalar").And.Contain("takes 4 arguments, the launch passes 3")
            .And.Contain("argument 3 (n)").And.Contain("missing"));
    }

    [Test]
    public unsafe void AnExtraArgumentFails()
    {
        using var gpu = EmulatorToys.NewGpu();
        var buffer = gpu.Allocate(64 * 4);
        var a = new KernelArgs();
        a.Add(buffer); a.Add(buffer); a.Add(1f); a.Add(64); a.Add(7);
        var e = LaunchFails(gpu, a.Pointers, a.Widths.ToArray());
        Assert.That(e.Message, Does.Contain("takes 4 arguments, the launch passes 5"));
    }

    [Test]
    public unsafe void AWrongLaunchIsRefusedWhileCapturingToo()
    {
        using var gpu = EmulatorToys.NewGpu();
        var buffer = gpu.Allocate(64 * 4);
        var a = new KernelArgs();
        a.Add(buffer); a.Add(1f); a.Add(buffer); a.Add(64); // inp and alpha swapped
        gpu.BeginCapture();
        var e = LaunchFails(gpu, a.Pointers, a.Widths.ToArray());
        gpu.EndCapture().Dispose();
        Assert.That(e.Message, Does.Contain("argument 1 (inp)").And.Contain("8 bytes in the kernel's signature").And.Contain("passes 4 bytes"));
    }

    [Test]
    public void TheScannerReadsParameterNames()
    {
        using var gpu = EmulatorToys.NewGpu();
        var info = gpu.Kernels.Single(k => k.Name == Kernel);
        Assert.That(info.ArgNames, Is.EqualTo(new[] { "out", "inp", "alpha", "n" }));
        Assert.That(info.ArgSizes, Is.EqualTo(new[] { 8, 8, 4, 4 }));
    }

    [Test]
    public void EveryProjectKernelHasANameForEachParameter()
    {
        using var gpu = new EmulatedGpu();
        foreach (var k in gpu.Kernels)
            Assert.That(k.ArgNames, Has.Count.EqualTo(k.ArgSizes.Count).And.All.Not.Empty, $"{k.Module}.cu: {k.Name}");
    }

    private static unsafe ArgumentException LaunchFails(IGpu gpu, void** args, byte[] widths)
    {
        var kernel = gpu.GetKernel(Module, Kernel);
        return Assert.Throws<ArgumentException>(() => gpu.Launch(kernel, 1, 32, 0, args, widths))!;
    }
}
