using System.Text.RegularExpressions;
using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>The project's own kernels (kernels/*.cu) under the emulator.</summary>
[Category("Emulated")]
public partial class ProjectKernelTests
{
    [Test]
    public void EveryKernelOfTheProjectIsBuiltOrSkippedWithAReason()
    {
        using var gpu = new EmulatedGpu();
        var declared = Directory.EnumerateFiles(Path.Combine(EmulatorToys.RepositoryRoot(), "kernels"), "*.cu")
            .SelectMany(f => KernelDeclaration().Matches(File.ReadAllText(f)).Select(m => (Module: Path.GetFileNameWithoutExtension(f), Name: m.Groups[1].Value)))
            .ToList();
        Assert.That(declared, Is.Not.Empty);
        foreach (var (module, name) in declared)
        {
            var built = gpu.Kernels.Any(k => k.Name == name && k.Module == module);
            var skipped = gpu.GpuOnlyKernels.Any(k => k.Name == name && k.Module == module && k.Reason.Length > 0);
            Assert.That(built || skipped, Is.True, $"{module}.cu: {name} is neither in the emulator build nor reported as GPU-only");
        }
    }

    [TestCase(1)]
    [TestCase(10_007)]
    public unsafe void ElementwiseKernelsMatchTheCpu(int n)
    {
        using var gpu = new EmulatedGpu();
        var x = EmulatorToys.RandomFloats(n, seed: 3);
        var y = EmulatorToys.RandomFloats(n, seed: 4);
        var dx = gpu.Upload(x);
        var dy = gpu.Upload(y);
        var dout = gpu.Allocate(4L * n);
        var grid = Math.Min(Dim3.CeilDiv(n, 256), 8); // fewer blocks than elements/256: the grid-stride loop covers the rest

        var add = new KernelArgs();
        add.Add(dout); add.Add(dx); add.Add(dy); add.Add((long)n);
        gpu.Launch(gpu.GetKernel("elementwise", "add_kernel1"), grid, 256, 0, add.Pointers, add.Widths);
        Assert.That(gpu.Download<float>(dout, n), Is.EqualTo(x.Zip(y, (a, b) => a + b).ToArray()));

        var scale = new KernelArgs();
        scale.Add(dout); scale.Add(dx); scale.Add(-1.5f); scale.Add((long)n);
        gpu.Launch(gpu.GetKernel("elementwise", "scale_kernel1"), grid, 256, 0, scale.Pointers, scale.Widths);
        Assert.That(gpu.Download<float>(dout, n), Is.EqualTo(x.Select(a => a * -1.5f).ToArray()));
    }

    [GeneratedRegex(@"\bKERNEL\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(\w+)\s*\(")]
    private static partial Regex KernelDeclaration();
}
