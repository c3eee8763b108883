using CudaPrune.Cuda.Compilation;

namespace CudaPrune.Tests.Cuda;

public class KernelCacheTests
{
    private static readonly Dictionary<string, string> Headers = new() { ["common.cuh"] = "#define X 1" };
    private static readonly string[] Options = ["--gpu-architecture=sm_90", "-lineinfo"];

    private static string Key(string module = "m", string source = "src", IReadOnlyDictionary<string, string>? headers = null,
        IReadOnlyList<string>? options = null, string version = "12.8", string arch = "sm_90") =>
        KernelCache.Key(module, source, headers ?? Headers, options ?? Options, version, arch);

    [Test]
    public void TheKeyIsStableForTheSameInputs()
    {
        string first = Key(), second = Key();

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Has.Length.EqualTo(64));
    }

    [Test]
    public void TheKeyChangesWithEachInput()
    {
        string baseline = Key();
        string[] variants =
        [
            Key(module: "n"),
            Key(source: "src2"),
            Key(headers: new Dictionary<string, string> { ["common.cuh"] = "#define X 2" }),
            Key(options: ["--gpu-architecture=sm_90"]),
            Key(version: "13.0"),
            Key(arch: "sm_80"),
        ];

        Assert.That(variants, Has.None.EqualTo(baseline));
        Assert.That(variants.Distinct().Count(), Is.EqualTo(variants.Length));
    }

    [Test]
    public void PartsDoNotRunTogether()
    {
        // "ab" + "c" and "a" + "bc" are different compiles.
        Assert.That(Key(module: "ab", source: "c"), Is.Not.EqualTo(Key(module: "a", source: "bc")));
    }

    [Test]
    public void WrittenFilesReadBackAndAMissOrEmptyFileIsNull()
    {
        string folder = Path.Combine(Path.GetTempPath(), "cudaprune-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new KernelCache(folder);
            string path = cache.PathFor("elementwise", "sm_90", Key(), KernelImageKind.Cubin);

            Assert.That(cache.TryRead(path), Is.Null);
            Assert.That(cache.TryWrite(path, [1, 2, 3]), Is.True);
            Assert.That(cache.TryRead(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
            File.WriteAllBytes(path, []);
            Assert.That(cache.TryRead(path), Is.Null);
            Assert.That(path, Does.EndWith(".cubin").And.StartWith(folder));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
