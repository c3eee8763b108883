using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;

namespace CudaPrune.Tests.Cuda;

[Platform("Linux")]
public class LibraryLocatorTests
{
    private static readonly byte[] ElfHeaderOnly = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0];
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("cudaprune-libs-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void AnOverrideNamingAMissingFileIsReportedWithThatPath()
    {
        string missing = Path.Combine(_temp, "nowhere", "libnvrtc.so.99");

        var result = LibraryLocator.Load(CudaLibrary.Nvrtc, Env(("CUDAPRUNE_NVRTC", missing)));

        Assert.That(result.IsLoaded, Is.False);
        Assert.That(result.Tried, Has.Count.EqualTo(1), "an override replaces the search");
        Assert.That(result.Message, Does.Contain(missing).And.Contain("file not found").And.Contain("CUDAPRUNE_NVRTC"));
    }

    [Test]
    public void AnOverrideNamingALinkerScriptIsSkippedAsNotALibrary()
    {
        string script = Path.Combine(_temp, "libcublas.so");
        File.WriteAllText(script, "/* GNU ld script */\nGROUP ( libcublas.so.12 )\n");

        var result = LibraryLocator.Load(CudaLibrary.Cublas, Env(("CUDAPRUNE_CUBLAS", script)));

        Assert.That(result.IsLoaded, Is.False);
        Assert.That(result.Message, Does.Contain(script).And.Contain("not a shared library"));
    }

    [Test]
    public void FilesAreTriedNewestVersionFirst()
    {
        string lib64 = Directory.CreateDirectory(Path.Combine(_temp, "lib64")).FullName;
        foreach (string name in new[] { "libcublas.so.97", "libcublas.so.99.1.2", "libcublas.so.98", "libcublas.so.99", "libcublasLt.so.99" })
            File.WriteAllBytes(Path.Combine(lib64, name), ElfHeaderOnly);

        var (files, _) = LibraryLocator.FindFiles(CudaLibrary.Cublas, Env(("CUDA_PATH", _temp)));

        var ours = files.Where(f => f.StartsWith(lib64, StringComparison.Ordinal)).Select(Path.GetFileName);
        Assert.That(ours, Is.EqualTo(new[] { "libcublas.so.99.1.2", "libcublas.so.99", "libcublas.so.98", "libcublas.so.97" }));
    }

    [Test]
    public void TheNewestFileIsTriedFirstAndItsFailureIsRecorded()
    {
        string lib64 = Directory.CreateDirectory(Path.Combine(_temp, "lib64")).FullName;
        string broken = Path.Combine(lib64, "libnvrtc.so.99");
        File.WriteAllBytes(broken, ElfHeaderOnly); // an ELF header and nothing else: the loader rejects it

        var result = LibraryLocator.Load(CudaLibrary.Nvrtc, Env(("CUDA_PATH", _temp)));

        Assert.That(result.Tried[0], Does.StartWith(broken + ":"), "the newest file is tried first");
        Assert.That(result.Tried[0], Does.Not.EndWith(": loaded"));
    }

    [TestCase("libnvrtc.so.11.8.89", new[] { 11, 8, 89 })]
    [TestCase("libnvrtc.so.13", new[] { 13 })]
    [TestCase("libnvrtc.so", new int[0])]
    public void VersionsAreReadFromFileNames(string file, int[] expected)
    {
        Assert.That(LibraryLocator.ParseVersion(CudaLibrary.Nvrtc, file), Is.EqualTo(expected));
    }

    [TestCase("libnvrtc-builtins.so.12.8")]
    [TestCase("libnvrtc.alt.so.12")]
    [TestCase("libnvrtc.so.12.txt")]
    public void OtherFilesAreNotTheLibrary(string file)
    {
        Assert.That(LibraryLocator.ParseVersion(CudaLibrary.Nvrtc, file), Is.Null);
    }

    [Test]
    public void TryOpenWithoutADriverOrDeviceSaysWhyAndDoesNotThrow()
    {
        // Without a driver any ordinal fails for that reason; with one, an ordinal no machine has does.
        bool driver = CudaDevice.TryInitializeDriver(out _);
        int ordinal = driver ? 4096 : 0;

        bool opened = CudaDevice.TryOpen(ordinal, out var device, out string reason);

        Assert.That(opened, Is.False);
        Assert.That(device, Is.Null);
        Assert.That(reason, driver ? Does.Contain("4096") : Does.Contain("no CUDA driver found").And.Contain("libcuda.so.1"));
        Assert.That(CudaGpu.TryCreate(ordinal, out var gpu, out string gpuReason), Is.False);
        Assert.That(gpu, Is.Null);
        Assert.That(gpuReason, Is.Not.Empty);
    }

    [Test]
    public void WithoutADriverOpeningThrowsACudaExceptionNotDllNotFound()
    {
        if (CudaLibraries.TryLoadDriver(out _)) Assert.Ignore("this machine has a CUDA driver");

        var e = Assert.Throws<CudaException>(() => CudaDevice.Open(0))!;

        Assert.That(e.Message, Does.Contain("no CUDA driver found"));
    }
}
