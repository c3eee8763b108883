using System.Text;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Cuda.Compilation;
using CudaPrune.Tests.Cuda;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// The GEMM and convolution modules build as sm_90 CUBINs, the form an H100 loads, with every kernel the
/// backend launches. NVRTC 11.8's sm_90 code generator once crashed the process (with -lineinfo) on the
/// tile engine inlined from a kernel's signature line; this is where that would show.
/// </summary>
[Category("Nvrtc")]
public class ConvGemmCubinTests
{
    [SetUp]
    public void RequireNvrtc() => Requirements.Nvrtc();

    private static IEnumerable<TestCaseData> Modules()
    {
        yield return new TestCaseData(GemmKernels.Module,
            GemmKernels.GemmVersions.Select(v => $"{GemmKernels.Gemm}_kernel{v}").Append(GemmKernels.BiasForward + "_kernel1").Append(GemmKernels.BiasBackward + "_kernel1").ToArray());
        yield return new TestCaseData(ConvKernels.Module,
            ConvKernels.Ops.Select(op => op + "_kernel1")
                .Concat(ConvKernels.Ops.SelectMany(op => ConvKernels.GenericTiles.Select(t => ConvKernels.TiledKernelName(op, 2, t))))
                .Append(ConvKernels.SplitReduceKernel).Distinct().ToArray());
        yield return new TestCaseData(ConvKernels.SpecialisedModule,
            ConvKernels.Ops.Select(op => ConvKernels.TiledKernelName(op, 3, ConvKernels.SpecialisedTiles[0])).Distinct().ToArray());
    }

    [TestCaseSource(nameof(Modules))]
    public void BuildsAnSm90CubinWithEveryKernel(string module, string[] kernels)
    {
        if (!KernelCompiler.SupportedArchs.Contains(90)) Assert.Ignore("this NVRTC cannot build sm_90");

        var compiled = new KernelCompiler(KernelSources.Embedded, cache: null).Compile(module, "sm_90");

        Assert.That(compiled.Kind, Is.EqualTo(KernelImageKind.Cubin));
        string image = Encoding.Latin1.GetString(compiled.Image);
        foreach (string kernel in kernels)
            Assert.That(image, Does.Contain(kernel + "\0"), $"{kernel} is not a symbol of the {module} CUBIN");
    }
}
