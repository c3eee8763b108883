using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends;

/// <summary>Opens the CPU emulator of our kernels (docs/EMULATOR.md); the kernels are built with g++ at the first launch.</summary>
internal static class EmulatedGpuFactory
{
    public static IGpu Create() => new EmulatedGpu();
}
