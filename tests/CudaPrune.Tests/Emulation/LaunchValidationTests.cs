using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Launch configurations are checked as the driver checks them, with messages that say what is wrong.</summary>
[Category("Emulated")]
public class LaunchValidationTests
{
    [TestCase(32, 33, 1, 1, 1, 0, "1056 threads, more than the 1024")]
    [TestCase(1025, 1, 1, 1, 1, 0, "the block exceeds (1024, 1024, 64)")]
    [TestCase(1, 1, 65, 1, 1, 0, "the block exceeds (1024, 1024, 64)")]
    [TestCase(32, 1, 1, 1, 65536, 0, "the grid exceeds")]
    [TestCase(0, 1, 1, 1, 1, 0, "is 0")]
    [TestCase(32, 1, 1, 1, 1, 227 * 1024 + 4, "exceed the 232448 a block may opt into")]
    public unsafe void AnInvalidConfigurationIsRejected(int bx, int by, int bz, int gx, int gy, int dynamicShared, string why)
    {
        using var gpu = EmulatorToys.NewGpu();
        var outp = gpu.Allocate(4096);
        var a = new KernelArgs();
        a.Add(outp);
        var kernel = gpu.GetKernel("toy_failures", "toy_deadlock");
        void** args = a.Pointers;
        var widths = a.Widths.ToArray(); // a lambda cannot capture a span

        var e = Assert.Throws<ArgumentException>(() =>
            gpu.Launch(kernel, new Dim3((uint)gx, (uint)gy), new Dim3((uint)bx, (uint)by, (uint)bz), dynamicShared, args, widths));
        Assert.That(e!.Message, Does.Contain("invalid launch of toy_deadlock").And.Contain(why));
    }

    [Test]
    public unsafe void StaticSharedMemoryCountsTowardsTheLimit()
    {
        using var gpu = EmulatorToys.NewGpu();
        var outp = gpu.Allocate(4096);
        var a = new KernelArgs();
        a.Add(outp);
        var kernel = gpu.GetKernel("toy_shared", "toy_big_static");
        void** args = a.Pointers;
        var widths = a.Widths.ToArray(); // a lambda cannot capture a span

        Assert.That(gpu.Kernels.Single(k => k.Name == "toy_big_static").StaticSharedBytes, Is.EqualTo(40960));
        Assert.That(gpu.Properties.MaxSharedMemoryPerBlockOptin, Is.EqualTo(227 * 1024));
        gpu.Launch(kernel, 1, 64, 187 * 1024, args, widths); // 40 + 187 KiB: exactly the limit
        var e = Assert.Throws<ArgumentException>(() => gpu.Launch(kernel, 1, 64, 187 * 1024 + 4, args, widths));
        Assert.That(e!.Message, Does.Contain("40960 bytes of static + 191492 bytes of dynamic shared memory"));
    }

    [Test]
    public unsafe void DynamicSharedMemoryAboveTheDefaultIsOptedIntoAsOnTheDriver()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int threads = 64;
        var input = EmulatorToys.RandomFloats(threads);
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(threads * 4);
        var aligned = gpu.Zeros(1);
        var a = new KernelArgs();
        a.Add(outp); a.Add(aligned); a.Add(inp);
        gpu.Launch(gpu.GetKernel("toy_shared", "toy_reverse_dynamic"), 1, threads, 200 * 1024, a.Pointers, a.Widths);
        Assert.That(gpu.Download<float>(outp, threads), Is.EqualTo(input.Reverse().ToArray()));
    }

    [Test]
    public unsafe void LaunchBoundsLimitTheBlockSize()
    {
        using var gpu = EmulatorToys.NewGpu();
        var outp = gpu.Allocate(4096);
        var a = new KernelArgs();
        a.Add(outp);
        var kernel = gpu.GetKernel("toy_shared", "toy_bounded");
        void** args = a.Pointers;
        var widths = a.Widths.ToArray(); // a lambda cannot capture a span

        gpu.Launch(kernel, 1, 64, 0, args, widths);
        var e = Assert.Throws<ArgumentException>(() => gpu.Launch(kernel, 1, 65, 0, args, widths));
        Assert.That(e!.Message, Does.Contain("more than the kernel's __launch_bounds__ of 64"));
    }

    [Test]
    public void AnUnknownKernelOrModuleIsNamedInTheError()
    {
        using var gpu = EmulatorToys.NewGpu();
        var e = Assert.Throws<ArgumentException>(() => gpu.GetKernel("toy_warp", "toy_warp_summ"));
        Assert.That(e!.Message, Does.Contain("no kernel toy_warp_summ in toy_warp.cu").And.Contain("toy_warp_sum"));
        e = Assert.Throws<ArgumentException>(() => gpu.GetKernel("toy_barrier", "toy_warp_sum"));
        Assert.That(e!.Message, Does.Contain("defined in toy_warp.cu, not toy_barrier.cu"));
    }
}
