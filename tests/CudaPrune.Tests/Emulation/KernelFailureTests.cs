using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Kernels that would hang or misbehave on a GPU fail loudly under the emulator, naming the kernel and the thread.</summary>
[Category("Emulated")]
public class KernelFailureTests
{
    [Test]
    public unsafe void ThreadsWaitingAtDifferentBarriersAreReportedAsADeadlock()
    {
        var e = LaunchExpectingFailure("toy_deadlock", 64, new KernelArgs());
        Assert.That(e.Message, Does.Contain("toy_deadlock").And.Contain("deadlock").And.Contain("__syncwarp"));
    }

    [Test]
    public unsafe void TrapFailsTheLaunchAndNamesTheThread()
    {
        var trap = new KernelArgs();
        trap.Add(1);
        var e = LaunchExpectingFailure("toy_trap", 32, trap);
        Assert.That(e.Message, Does.Contain("thread (3,0,0)").And.Contain("__trap()"));

        using var gpu = EmulatorToys.NewGpu();
        var outp = gpu.Allocate(32 * 4);
        var noTrap = new KernelArgs();
        noTrap.Add(outp); noTrap.Add(0);
        gpu.Launch(gpu.GetKernel("toy_failures", "toy_trap"), 1, 32, 0, noTrap.Pointers, noTrap.Widths);
        Assert.That(gpu.Download<float>(outp, 32), Is.All.EqualTo(1f));
    }

    [Test]
    public unsafe void AShuffleWhoseMaskLeavesOutTheCallerIsReported()
    {
        var e = LaunchExpectingFailure("toy_mask_excludes_caller", 32, new KernelArgs());
        Assert.That(e.Message, Does.Contain("__shfl_sync(mask 0x00000001)").And.Contain("leaves out"));
    }

    // Launches the toy_failures kernel with an output buffer first, then `rest`'s arguments.
    private static unsafe EmulatedKernelException LaunchExpectingFailure(string kernel, int threads, KernelArgs rest)
    {
        using var gpu = EmulatorToys.NewGpu();
        var outp = gpu.Allocate(threads * 4);
        var a = new KernelArgs();
        a.Add(outp);
        for (int i = 0; i < rest.Count; i++) a.Add(*(int*)rest.Pointers[i]);
        var k = gpu.GetKernel("toy_failures", kernel);
        void** args = a.Pointers;
        var widths = a.Widths.ToArray(); // a lambda cannot capture a span
        return Assert.Throws<EmulatedKernelException>(() => gpu.Launch(k, 2, threads, 0, args, widths))!;
    }
}
