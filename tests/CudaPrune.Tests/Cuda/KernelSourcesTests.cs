using CudaPrune.Cuda.Compilation;

namespace CudaPrune.Tests.Cuda;

public class KernelSourcesTests
{
    private static IEnumerable<string> EmbeddedModules => KernelSources.Embedded.ModuleNames;

    [Test]
    public void TheKernelFilesAreEmbedded()
    {
        var sources = KernelSources.Embedded;

        Assert.That(sources.ModuleNames, Does.Contain("elementwise"));
        Assert.That(sources.Headers.Keys, Does.Contain("common.cuh"));
        Assert.That(sources.Source("elementwise"), Does.Contain("add_kernel1"));
    }

    [TestCaseSource(nameof(EmbeddedModules))]
    public void EveryKernelFileIncludesCommonFirst(string module)
    {
        string firstCode = KernelSources.Embedded.Source(module).Split('\n')
            .Select(l => l.Trim())
            .First(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal));

        Assert.That(firstCode, Is.EqualTo("#include \"common.cuh\""));
    }

    [Test]
    public void AFolderReplacesTheEmbeddedFiles()
    {
        string folder = Directory.CreateTempSubdirectory("cudaprune-kernels-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "mine.cu"), "// mine\n");
            File.WriteAllText(Path.Combine(folder, "mine.cuh"), "// header\n");
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a kernel file");

            var sources = KernelSources.FromFolder(folder);

            Assert.That(sources.ModuleNames, Is.EqualTo(new[] { "mine" }));
            Assert.That(sources.Headers.Keys, Is.EqualTo(new[] { "mine.cuh" }));
            Assert.That(sources.Origin, Is.EqualTo(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void AnUnknownModuleIsNamedWithTheModulesThereAre()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelSources.Embedded.Source("no_such_module"))!;

        Assert.That(e.Message, Does.Contain("kernels/no_such_module.cu").And.Contain("elementwise"));
    }

    [Test]
    public void AMissingFolderIsNamed()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => KernelSources.FromFolder("/nonexistent/cudaprune-kernels"))!;

        Assert.That(e.Message, Does.Contain("/nonexistent/cudaprune-kernels"));
    }
}
