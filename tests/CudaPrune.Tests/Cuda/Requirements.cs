using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;

namespace CudaPrune.Tests.Cuda;

/// <summary>What a test needs from the machine, and what happens when it is missing.</summary>
internal static class Requirements
{
    /// <summary>NVRTC must be there under CI=true (the compile tests must run, not skip); elsewhere its absence ignores the test.</summary>
    public static void Nvrtc()
    {
        if (CudaLibraries.TryLoadNvrtc(out string reason)) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI=true requires NVRTC, so that every kernel is compiled: " + reason);
        Assert.Ignore("no NVRTC: " + reason);
    }

    /// <summary>Device 0 as a <see cref="CudaGpu"/>, or the test is ignored with "no CUDA device: why".</summary>
    public static CudaGpu Gpu()
    {
        if (CudaGpu.TryCreate(0, out var gpu, out string reason)) return gpu;
        Assert.Ignore("no CUDA device: " + reason);
        return null!;
    }
}
