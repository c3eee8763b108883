using System.Text;
using System.Text.RegularExpressions;
using CudaPrune.Cuda.Compilation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

[Category("Nvrtc")]
public partial class KernelCompilerTests
{
    private string _temp = "";

    // Every .cu embedded in the assembly, so kernel files added later are compiled here without a test change.
    private static IEnumerable<string> EmbeddedModules => KernelSources.Embedded.ModuleNames;

    [SetUp]
    public void SetUp()
    {
        Requirements.Nvrtc();
        _temp = Directory.CreateTempSubdirectory("cudaprune-nvrtc-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_temp.Length > 0) Directory.Delete(_temp, recursive: true);
        _temp = "";
    }

    [Test]
    public void EveryKernelFileCompilesToPtxWithEachKernelAsAnEntry(
        [ValueSource(nameof(EmbeddedModules))] string module, [Values("compute_80", "compute_90")] string arch)
    {
        var compiler = new KernelCompiler(KernelSources.Embedded, cache: null);

        var compiled = compiler.Compile(module, arch);

        string ptx = Encoding.UTF8.GetString(compiled.Image);
        Assert.That(compiled.Kind, Is.EqualTo(KernelImageKind.Ptx));
        Assert.That(ptx, Does.Contain($".target sm_{arch[8..]}"));
        var kernels = DeclaredKernels(KernelSources.Embedded.Source(module));
        Assert.That(kernels, Is.Not.Empty, $"kernels/{module}.cu declares no KERNEL");
        foreach (string kernel in kernels)
            Assert.That(ptx, Does.Contain($".entry {kernel}("), $"{kernel} must be an unmangled (extern \"C\") entry point");
    }

    [Test]
    public void ARealArchitectureGivesACubin()
    {
        var compiled = new KernelCompiler(KernelSources.Embedded, cache: null).Compile("elementwise", "sm_80");

        Assert.That(compiled.Kind, Is.EqualTo(KernelImageKind.Cubin));
        Assert.That(compiled.Image.Take(4), Is.EqualTo(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }));
    }

    [Test]
    public void CompileToPtxNeedsNoDriver()
    {
        string ptx = KernelCompiler.CompileToPtx("elementwise", "compute_80");

        Assert.That(ptx, Does.Contain(".entry add_kernel1("));
        Assert.Throws<ArgumentException>(() => KernelCompiler.CompileToPtx("elementwise", "sm_80"));
    }

    [Test]
    public void ASyntaxErrorGivesTheNvrtcLogAndTheFirstErrorsFileAndLine()
    {
        File.WriteAllText(Path.Combine(_temp, "common.cuh"), KernelSources.Embedded.Headers["common.cuh"]);
        File.WriteAllText(Path.Combine(_temp, "broken.cu"),
            "#include \"common.cuh\"\n\nKERNEL void broken_kernel1(float* out) {\n    out[0] = undeclared_name;\n}\n");
        var compiler = new KernelCompiler(KernelSources.FromFolder(_temp), cache: null);

        var e = Assert.Throws<KernelCompileException>(() => compiler.Compile("broken", "compute_80"))!;

        Assert.That(e.Log, Does.Contain("broken.cu(4)").And.Contain("undeclared_name"));
        Assert.That(e.FirstError, Is.EqualTo($"{_temp}/broken.cu:4"));
        Assert.That(e.Message, Does.Contain($"{_temp}/broken.cu:4").And.Contain(e.Log).And.Contain("compute_80"));
    }

    [Test]
    public void TheDiskCacheIsHitTheSecondTime()
    {
        var compiler = new KernelCompiler(KernelSources.Embedded, new KernelCache(_temp));

        var first = compiler.Compile("elementwise", "compute_80");
        var second = compiler.Compile("elementwise", "compute_80");

        Assert.That(first.FromCache, Is.False);
        Assert.That(second.FromCache, Is.True);
        Assert.That(second.Image, Is.EqualTo(first.Image));
        Assert.That(second.CachePath, Is.EqualTo(first.CachePath));
        Assert.That(File.Exists(first.CachePath), Is.True);
        Assert.That(Directory.GetFiles(_temp, "*.tmp"), Is.Empty, "the temporary file is renamed into place");
    }

    [Test]
    public void OtherOptionsAreAnotherCacheEntry()
    {
        var compiler = new KernelCompiler(KernelSources.Embedded, new KernelCache(_temp));

        var plain = compiler.Compile("elementwise", "compute_80");
        var defined = compiler.Compile("elementwise", "compute_80", ["-DCUDAPRUNE_TEST_VARIANT=1"]);

        Assert.That(defined.FromCache, Is.False);
        Assert.That(defined.CachePath, Is.Not.EqualTo(plain.CachePath));
        Assert.That(Directory.GetFiles(_temp), Has.Length.EqualTo(2));
    }

    // A module meant for variants: SCALE is required, WITH_EXTRA selects a kernel (as a shape may select a path).
    private const string VariantModule = """
        #include "common.cuh"
        KERNEL void variant_scale(float* y, const float* x, int n) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) y[i] = x[i] * SCALE;
        }
        #if WITH_EXTRA
        KERNEL void variant_extra(float* y) { y[0] = SCALE; }
        #endif
        """;

    [Test]
    public void DefinesOfAModuleVariantReachTheSource([Values("compute_80", "compute_90")] string arch)
    {
        File.WriteAllText(Path.Combine(_temp, "common.cuh"), KernelSources.Embedded.Headers["common.cuh"]);
        File.WriteAllText(Path.Combine(_temp, "variant.cu"), VariantModule);
        var compiler = new KernelCompiler(KernelSources.FromFolder(_temp), new KernelCache(Path.Combine(_temp, "cache")));
        var three = ModuleDefines.Of(("WITH_EXTRA", 1), ("SCALE", 3));
        var five = ModuleDefines.Of(("SCALE", 5), ("WITH_EXTRA", 0));

        string ptx3 = Encoding.UTF8.GetString(compiler.Compile("variant", arch, three.CompilerOptions).Image);
        string ptx5 = Encoding.UTF8.GetString(compiler.Compile("variant", arch, five.CompilerOptions).Image);

        Assert.That(ptx3, Does.Contain("0f40400000"), "x * SCALE with SCALE=3 multiplies by 3.0f");
        Assert.That(ptx5, Does.Contain("0f40A00000").And.Not.Contain("0f40400000"), "SCALE=5: 5.0f");
        Assert.That(ptx3, Does.Contain(".entry variant_extra("), "WITH_EXTRA=1 selects the extra kernel");
        Assert.That(ptx5, Does.Not.Contain("variant_extra"));
        Assert.That(compiler.Compile("variant", arch, ModuleDefines.Of(("SCALE", 3), ("WITH_EXTRA", 1)).CompilerOptions).FromCache, Is.True,
            "the same defines in another order are the same cache entry");
    }

    [Test]
    public void AMissingDefineIsACompileErrorNamingTheDefinesGiven()
    {
        File.WriteAllText(Path.Combine(_temp, "common.cuh"), KernelSources.Embedded.Headers["common.cuh"]);
        File.WriteAllText(Path.Combine(_temp, "variant.cu"), VariantModule);
        var compiler = new KernelCompiler(KernelSources.FromFolder(_temp), cache: null);

        var e = Assert.Throws<KernelCompileException>(() => compiler.Compile("variant", "compute_80", ModuleDefines.Of(("WITH_EXTRA", 1)).CompilerOptions))!;

        Assert.That(e.Message, Does.Contain("variant.cu with -DWITH_EXTRA=1").And.Contain("SCALE"));
    }

    [Test]
    public void ArchForPicksTheDevicesOwnCubinElseTheNewestPtxBelowIt()
    {
        var archs = KernelCompiler.SupportedArchs;
        int newest = archs[^1];

        Assert.That(KernelCompiler.ArchFor(newest / 10, newest % 10), Is.EqualTo($"sm_{newest}"));
        Assert.That(KernelCompiler.ArchFor(99, 9), Is.EqualTo($"compute_{newest}"));
        Assert.That(() => KernelCompiler.ArchFor(1, 0), Throws.InstanceOf<CudaPrune.Cuda.Native.CudaException>());
    }

    [Test]
    public void AnArchitectureThatIsNotOneIsRejected()
    {
        var compiler = new KernelCompiler(KernelSources.Embedded, cache: null);

        var e = Assert.Throws<ArgumentException>(() => compiler.Compile("elementwise", "hopper"))!;
        Assert.That(e.Message, Does.Contain("hopper"));
    }

    private static List<string> DeclaredKernels(string source)
    {
        string code = Comments().Replace(source, "");
        return KernelDeclaration().Matches(code).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();

    // KERNEL [__launch_bounds__(...)] void name( — the bounds may hold one level of parentheses.
    [GeneratedRegex(@"\bKERNEL\s+(?:__launch_bounds__\s*\((?:[^()]|\([^()]*\))*\)\s*)?void\s+(\w+)\s*\(")]
    private static partial Regex KernelDeclaration();
}
