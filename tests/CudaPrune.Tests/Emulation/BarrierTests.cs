using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>__syncthreads is a real barrier between the threads of a block, and a missing one shows.</summary>
[Category("Emulated")]
public class BarrierTests
{
    private const int Block = 256;

    [Test]
    public unsafe void BlockReductionOf256ThreadsMatchesTheCpuInEveryBlock()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int n = 5 * Block - 37; // five blocks, the last one partial
        var input = EmulatorToys.RandomFloats(n);
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(5 * 4);
        var kernel = gpu.GetKernel("toy_barrier", "toy_block_sum");

        for (int launch = 0; launch < 3; launch++) // each launch orders the threads differently
        {
            var a = new KernelArgs();
            a.Add(outp); a.Add(inp); a.Add(n);
            gpu.Launch(kernel, 5, Block, 0, a.Pointers, a.Widths);
            var sums = gpu.Download<float>(outp, 5);
            for (int b = 0; b < 5; b++)
            {
                var expected = input.Skip(b * Block).Take(Block).Sum();
                Assert.That(sums[b], Is.EqualTo(expected).Within(1e-4f), $"launch {launch}, block {b}");
            }
        }
    }

    [Test]
    public unsafe void AReductionMissingABarrierGivesWrongSums()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int n = 5 * Block;
        var input = EmulatorToys.RandomFloats(n);
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(5 * 4);
        var kernel = gpu.GetKernel("toy_barrier", "toy_block_sum_missing_sync");

        for (int launch = 0; launch < 3; launch++)
        {
            var a = new KernelArgs();
            a.Add(outp); a.Add(inp); a.Add(n);
            gpu.Launch(kernel, 5, Block, 0, a.Pointers, a.Widths);
            var sums = gpu.Download<float>(outp, 5);
            var wrong = Enumerable.Range(0, 5).Count(b =>
                !(Math.Abs(sums[b] - input.Skip(b * Block).Take(Block).Sum()) <= 1e-3f));
            Assert.That(wrong, Is.GreaterThan(0), $"launch {launch}: every block gave the right sum despite the missing barrier");
        }
    }

    [Test]
    public unsafe void ThreadsOfA2DBlockSeeEachOthersWritesAfterTheBarrier()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int blocks = 3, threads = 16 * 16;
        var input = EmulatorToys.RandomFloats(blocks * threads);
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(blocks * threads * 4);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp);
        gpu.Launch(gpu.GetKernel("toy_barrier", "toy_rotate_2d"), blocks, new Dim3(16, 16), 0, a.Pointers, a.Widths);

        var result = gpu.Download<float>(outp, blocks * threads);
        var expected = Enumerable.Range(0, blocks * threads)
            .Select(i => input[i / threads * threads + (i % threads + 1) % threads]).ToArray();
        Assert.That(result, Is.EqualTo(expected));
    }

    [Test]
    public unsafe void BuiltInIndicesCoverA3DGridOf3DBlocks()
    {
        using var gpu = EmulatorToys.NewGpu();
        var grid = new Dim3(3, 2, 2);
        var block = new Dim3(4, 3, 2);
        int threads = (int)block.Total, total = (int)(grid.Total * block.Total);
        var outp = gpu.Allocate(4L * 4 * total);
        var a = new KernelArgs();
        a.Add(outp);
        gpu.Launch(gpu.GetKernel("toy_barrier", "toy_indices"), grid, block, 0, a.Pointers, a.Widths);

        var r = gpu.Download<int>(outp, 4 * total);
        for (int g = 0; g < total; g++)
            Assert.That(new[] { r[4 * g], r[4 * g + 1], r[4 * g + 2], r[4 * g + 3] },
                        Is.EqualTo(new[] { g % threads, g / threads, threads, (int)grid.Total }), $"thread {g}");
    }

    [Test]
    public unsafe void CountingBarriersTallyThePredicateOverTheBlock()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int blocks = 4;
        var input = EmulatorToys.RandomFloats(blocks * Block);
        for (int i = 0; i < Block; i++) input[2 * Block + i] = 1f;  // block 2: all positive
        for (int i = 0; i < Block; i++) input[3 * Block + i] = -1f; // block 3: none
        var inp = gpu.Upload(input);
        var counts = gpu.Allocate(blocks * 4);
        var flags = gpu.Allocate(2 * blocks * 4);
        var a = new KernelArgs();
        a.Add(counts); a.Add(flags); a.Add(inp);
        gpu.Launch(gpu.GetKernel("toy_barrier", "toy_barrier_votes"), blocks, Block, 0, a.Pointers, a.Widths);

        var c = gpu.Download<int>(counts, blocks);
        var f = gpu.Download<int>(flags, 2 * blocks);
        for (int b = 0; b < blocks; b++)
        {
            int positive = input.Skip(b * Block).Take(Block).Count(x => x > 0);
            Assert.That(c[b], Is.EqualTo(positive), $"count, block {b}");
            Assert.That(f[2 * b], Is.EqualTo(positive == Block ? 1 : 0), $"and, block {b}");
            Assert.That(f[2 * b + 1], Is.EqualTo(positive > 0 ? 1 : 0), $"or, block {b}");
        }
    }
}
