using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Emulated devices used from several threads at once (each launch runs alone in the shared library).</summary>
[Category("Emulated")]
public class ConcurrencyTests
{
    [Test]
    public void DevicesOnSeveralThreadsEachGetTheirOwnRightResults()
    {
        var results = new float[4][];
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() => results[t] = Reduce(seed: t))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (int t = 0; t < 4; t++)
        {
            var input = EmulatorToys.RandomFloats(4 * 256, seed: t);
            var expected = Enumerable.Range(0, 4).Select(b => input.Skip(256 * b).Take(256).Sum()).ToArray();
            Assert.That(results[t], Is.EqualTo(expected).Within(1e-4f), $"thread {t}");
        }
    }

    private static unsafe float[] Reduce(int seed)
    {
        using var gpu = EmulatorToys.NewGpu();
        var input = EmulatorToys.RandomFloats(4 * 256, seed);
        var inp = gpu.Upload(input);
        var outp = gpu.Allocate(4 * 4);
        var kernel = gpu.GetKernel("toy_barrier", "toy_block_sum");
        for (int i = 0; i < 20; i++)
        {
            var a = new KernelArgs();
            a.Add(outp); a.Add(inp); a.Add(input.Length);
            gpu.Launch(kernel, 4, 256, 0, a.Pointers, a.Widths);
        }
        return gpu.Download<float>(outp, 4);
    }
}
