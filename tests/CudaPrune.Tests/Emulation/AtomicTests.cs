using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Atomics stay atomic while blocks run on several threads at once.</summary>
[Category("Emulated")]
public class AtomicTests
{
    [Test]
    public unsafe void AtomicsFromManyBlocksLoseNoUpdate()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int n = 64 * 256 - 100;
        var ones = Enumerable.Repeat(1f, n).ToArray(); // sums of ones are exact in float up to 2^24
        var values = Enumerable.Range(0, n).Select(i => (i * 7919) % 100003).ToArray();
        var sums = gpu.Zeros(1);
        var counts = gpu.Upload(new[] { 0, int.MinValue });
        var hist = gpu.Zeros(10);
        var inp = gpu.Upload(ones);
        var vals = gpu.Upload(values);
        var a = new KernelArgs();
        a.Add(sums); a.Add(counts); a.Add(hist); a.Add(inp); a.Add(vals); a.Add(n);
        gpu.Launch(gpu.GetKernel("toy_atomics", "toy_atomics"), 64, 256, 0, a.Pointers, a.Widths);

        Assert.That(gpu.Download<float>(sums, 1)[0], Is.EqualTo((float)n));
        Assert.That(gpu.Download<int>(counts, 2), Is.EqualTo(new[] { n, values.Max() }));
        var expectedHistogram = Enumerable.Range(0, 10).Select(d => values.Count(v => v % 10 == d)).ToArray();
        Assert.That(gpu.Download<int>(hist, 10), Is.EqualTo(expectedHistogram));
    }

    [Test]
    public unsafe void CompareAndSwapLoopFindsTheFloatMaximum()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int n = 32 * 256;
        var input = EmulatorToys.RandomFloats(n, seed: 7);
        var outp = gpu.Upload(new[] { float.MinValue });
        var inp = gpu.Upload(input);
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp); a.Add(n);
        gpu.Launch(gpu.GetKernel("toy_atomics", "toy_atomic_max_float"), 32, 256, 0, a.Pointers, a.Widths);

        Assert.That(gpu.Download<float>(outp, 1)[0], Is.EqualTo(input.Max()));
    }
}
