using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.CudaBackend;

using CudaPrune.Core.Backends.Cuda;

/// <summary>The emulated device for the CUDA backend tests: built once (g++, cached); without g++ the tests are ignored, except under CI=true where they fail.</summary>
internal static class EmulatedDevice
{
    private static readonly Lazy<string?> BuildProblem = new(TryBuild);

    /// <summary>A new emulated GPU over the project's kernels, or the test ends (ignored, or failed under CI).</summary>
    public static EmulatedGpu Open()
    {
        Require();
        return new EmulatedGpu();
    }

    /// <summary>A CUDA backend on a new emulated GPU; <paramref name="wrap"/> may put a test double around the device.</summary>
    public static CudaBackend OpenBackend(Func<IGpu, IGpu>? wrap = null)
    {
        var gpu = Open();
        return new CudaBackend(wrap is null ? gpu : wrap(gpu));
    }

    private static void Require()
    {
        if (BuildProblem.Value is not { } problem) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI=true requires the kernel emulator, so that every kernel runs against the CPU: " + problem);
        Assert.Ignore("no kernel emulator: " + problem);
    }

    // Builds the emulator library (or finds it in the cache) once per test run.
    private static string? TryBuild()
    {
        try
        {
            using var gpu = new EmulatedGpu();
            _ = gpu.Kernels;
            return null;
        }
        catch (EmulatorBuildException e)
        {
            return e.Message;
        }
    }
}
