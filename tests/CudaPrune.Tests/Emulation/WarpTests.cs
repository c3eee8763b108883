using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Warp shuffles and votes behave as CUDA documents them, and broken warp reductions show.</summary>
[Category("Emulated")]
public class WarpTests
{
    private const int Block = 128;

    [Test]
    public unsafe void WarpReductionMatchesTheCpu()
    {
        var (sums, input) = RunWarpSum("toy_warp_sum", n: 3 * Block - 45);
        for (int w = 0; w < sums.Length; w++)
            Assert.That(sums[w], Is.EqualTo(WarpReference(input, w)).Within(1e-4f), $"warp {w}");
    }

    [Test]
    public unsafe void WarpReductionWithWrongShuffleOffsetsIsCaught()
    {
        var (sums, input) = RunWarpSum("toy_warp_sum_wrong_offsets", n: 3 * Block);
        Assert.That(Enumerable.Range(0, sums.Length).Count(w => Math.Abs(sums[w] - WarpReference(input, w)) > 1e-3f),
                    Is.EqualTo(sums.Length), "every warp sum should be wrong");
    }

    [Test]
    public unsafe void ShufflingFromLanesThatReturnedGivesPoisonNotZero()
    {
        // n ends in the middle of the last warp: its lanes past n returned before the shuffle.
        var (sums, _) = RunWarpSum("toy_warp_sum_early_exit", n: 3 * Block - 45);
        int lastWarp = (3 * Block - 45) / 32;
        Assert.That(float.IsFinite(sums[lastWarp]) && Math.Abs(sums[lastWarp]) < 1e30f, Is.False,
                    $"the partial warp's sum is {sums[lastWarp]}: reading from exited lanes went unnoticed");
    }

    [TestCase(0, 5, 32)]  // __shfl_sync from lane 5
    [TestCase(0, 37, 8)]  // srcLane wraps modulo the width
    [TestCase(1, 3, 32)]  // __shfl_up_sync: the first 3 lanes keep their own value
    [TestCase(1, 2, 8)]
    [TestCase(2, 4, 32)]  // __shfl_down_sync: the last 4 lanes keep their own value
    [TestCase(2, 3, 16)]
    [TestCase(3, 1, 32)]  // __shfl_xor_sync: butterfly
    [TestCase(3, 12, 8)]  // xor reaching into a later segment returns the caller's own value
    public unsafe void ShuffleMovesValuesAsCudaDocumentsIt(int kind, int arg, int width)
    {
        using var gpu = EmulatorToys.NewGpu();
        var input = Enumerable.Range(0, Block).Select(i => (float)i).ToArray();
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(Block * 4);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp); a.Add(kind); a.Add(arg); a.Add(width);
        gpu.Launch(gpu.GetKernel("toy_warp", "toy_shuffle"), 1, Block, 0, a.Pointers, a.Widths);

        var result = gpu.Download<float>(outp, Block);
        var expected = Enumerable.Range(0, Block).Select(i => (float)(i / 32 * 32 + SourceLane(kind, i % 32, arg, width))).ToArray();
        Assert.That(result, Is.EqualTo(expected));
    }

    [Test]
    public unsafe void VotesReportTheLanesWithATruePredicate()
    {
        using var gpu = EmulatorToys.NewGpu();
        var input = EmulatorToys.RandomFloats(Block);
        for (int i = 32; i < 64; i++) input[i] = 1f;  // warp 1: all true
        for (int i = 64; i < 96; i++) input[i] = -1f; // warp 2: none
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(3 * Block * 4);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp);
        gpu.Launch(gpu.GetKernel("toy_warp", "toy_votes"), 1, Block, 0, a.Pointers, a.Widths);

        var r = gpu.Download<uint>(outp, 3 * Block);
        for (int i = 0; i < Block; i++)
        {
            uint ballot = 0;
            for (int lane = 0; lane < 32; lane++)
                if (input[i / 32 * 32 + lane] > 0) ballot |= 1u << lane;
            Assert.That(new[] { r[3 * i], r[3 * i + 1], r[3 * i + 2] },
                        Is.EqualTo(new[] { ballot, ballot != 0 ? 1u : 0u, ballot == uint.MaxValue ? 1u : 0u }), $"thread {i}");
        }
    }

    // The lane whose value lane `lane` receives, from the CUDA Programming Guide's description of each
    // shuffle (sub-warps of `width` lanes; out-of-range sources give the caller its own value).
    private static int SourceLane(int kind, int lane, int arg, int width)
    {
        int segmentStart = lane / width * width;
        return kind switch
        {
            0 => segmentStart + arg % width,
            1 => lane % width >= arg ? lane - arg : lane,
            2 => lane % width + arg < width ? lane + arg : lane,
            _ => (lane ^ arg) < segmentStart + width ? lane ^ arg : lane,
        };
    }

    private static float WarpReference(float[] input, int warp) => input.Skip(32 * warp).Take(32).Sum();

    private static unsafe (float[] Sums, float[] Input) RunWarpSum(string kernel, int n)
    {
        using var gpu = EmulatorToys.NewGpu();
        var input = EmulatorToys.RandomFloats(n);
        int warps = 3 * Block / 32;
        var inp = gpu.Upload(input);
        var outp = gpu.Zeros(warps);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp); a.Add(n);
        gpu.Launch(gpu.GetKernel("toy_warp", kernel), 3, Block, 0, a.Pointers, a.Widths);
        return (gpu.Download<float>(outp, warps), input);
    }
}
