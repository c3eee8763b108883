using CudaPrune.Cli;
using CudaPrune.Cuda.Compilation;
using CudaPrune.Cuda.Diagnostics;
using CudaPrune.Cuda.Native;

namespace CudaPrune.Tests.Cuda;

[NonParallelizable] // redirects Console.Out
public class CudaInfoTests
{
    [Test]
    public void TheReportNamesTheRuntimeTheLibrariesAndTheCache()
    {
        string text = CudaInfo.Collect().ToText();

        Assert.That(text, Does.Contain(".NET").And.Contain(KernelCache.DefaultFolder).And.Contain("elementwise.cu"));
        if (!CudaLibraries.TryLoadDriver(out _))
            Assert.That(text, Does.Contain("no CUDA driver found — CPU backend only"));
        if (CudaLibraries.TryLoadNvrtc(out _))
            Assert.That(text, Does.Contain($"{KernelCompiler.NvrtcVersion.Major}.{KernelCompiler.NvrtcVersion.Minor} at {CudaLibraries.Get(CudaLibrary.Nvrtc).Path}"));
        else
            Assert.That(text, Does.Contain("NVRTC could not be loaded. Tried:"));
    }

    [Test]
    public void InfoCommandPrintsTheReportAndSucceeds()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = Program.BuildRoot().Parse(["info"]).Invoke();
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.That(exit, Is.Zero);
        Assert.That(output.ToString(), Does.Contain("CUDA driver").And.Contain("NVRTC").And.Contain("kernel cache"));
    }
}
