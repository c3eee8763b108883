using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends;

/// <summary>Opens the CPU emulator of our kernels (kernels/*.cu built by g++; docs/EMULATOR.md).</summary>
internal static class EmulatedGpuFactory
{
    /// <summary>An emulated device over the project's kernels; the g++ build happens (or is found in the cache) at the first kernel lookup.</summary>
    public static IGpu Create() => new EmulatedGpu();
}
