using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Dynamic shared memory works, and out-of-bounds shared accesses are caught.</summary>
[Category("Emulated")]
public class SharedMemoryTests
{
    [Test]
    public unsafe void DynamicSharedMemoryIsPerBlockAndAligned()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int blocks = 6, threads = 96;
        var input = EmulatorToys.RandomFloats(blocks * threads);
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(blocks * threads * 4);
        var aligned = gpu.Zeros(blocks);
        var a = new KernelArgs();
        a.Add(outp); a.Add(aligned); a.Add(inp);
        gpu.Launch(gpu.GetKernel("toy_shared", "toy_reverse_dynamic"), blocks, threads, threads * 4, a.Pointers, a.Widths);

        var expected = Enumerable.Range(0, blocks * threads).Select(i => input[i / threads * threads + threads - 1 - i % threads]).ToArray();
        Assert.That(gpu.Download<float>(outp, blocks * threads), Is.EqualTo(expected));
        Assert.That(gpu.Download<int>(aligned, blocks), Is.All.EqualTo(1));
    }

    [Test]
    public unsafe void WritingPastTheDynamicSharedMemoryFailsTheLaunch()
    {
        using var gpu = EmulatorToys.NewGpu();
        var inp = gpu.Upload(EmulatorToys.RandomFloats(32));
        var outp = gpu.Allocate(32 * 4);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp);
        var kernel = gpu.GetKernel("toy_shared", "toy_dynamic_overflow");
        void** args = a.Pointers;
        var widths = a.Widths.ToArray(); // a lambda cannot capture a span

        var e = Assert.Throws<EmulatedKernelException>(() => gpu.Launch(kernel, 1, 32, 32 * 4, args, widths));
        Assert.That(e!.Message, Does.Contain("toy_dynamic_overflow").And.Contain("past the end of its 128 bytes of dynamic shared memory"));
    }

    [Test]
    public void StaticSharedOutOfBoundsIsReportedByAddressSanitizer()
    {
        var broken = EmulatorToys.RunUnderAsan("toy_static_oob", "--block", "32", "f32[32]", "f32[32]");
        Assert.That(broken.ExitCode, Is.Not.Zero);
        Assert.That(broken.Errors, Does.Contain("ERROR: AddressSanitizer: global-buffer-overflow").And.Contain("toy_shared.cu"));

        var correct = EmulatorToys.RunUnderAsan("toy_static_copy", "--block", "32", "f32[32]", "f32[32]");
        Assert.That(correct.ExitCode, Is.Zero, correct.Errors);
        Assert.That(correct.Output, Does.Contain("ok: toy_static_copy"));
    }

    [Test]
    public void DynamicSharedOutOfBoundsIsReportedByAddressSanitizer()
    {
        var broken = EmulatorToys.RunUnderAsan("toy_dynamic_overflow", "--block", "32", "--smem", "128", "f32[32]", "f32[32]");
        Assert.That(broken.Errors, Does.Contain("ERROR: AddressSanitizer: heap-buffer-overflow"));

        var correct = EmulatorToys.RunUnderAsan("toy_reverse_dynamic", "--grid", "2", "--block", "32", "--smem", "128", "f32[64]", "i32[2]", "f32[64]");
        Assert.That(correct.ExitCode, Is.Zero, correct.Errors);
    }

    [Test]
    public void GlobalOutOfBoundsReadIsReportedByAddressSanitizer()
    {
        // n = 1001 but the input holds 1000 floats: the last thread reads one past the end.
        var broken = EmulatorToys.RunUnderAsan("toy_block_sum", "--grid", "4", "--block", "256", "f32[4]", "f32[1000]", "i32=1001");
        Assert.That(broken.Errors, Does.Contain("ERROR: AddressSanitizer: heap-buffer-overflow").And.Contain("toy_barrier.cu"));

        var correct = EmulatorToys.RunUnderAsan("toy_block_sum", "--grid", "4", "--block", "256", "--print", "0", "f32[4]", "f32[1000]=0.5", "i32=1000");
        Assert.That(correct.ExitCode, Is.Zero, correct.Errors);
        Assert.That(correct.Output, Does.Contain("arg 0: 128 128 128 116"));
    }
}
