using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends;

/// <summary>Opens the CPU emulator of our kernels (lands with the emulator issue).</summary>
internal static class EmulatedGpuFactory
{
    public static IGpu Create() => throw new NotSupportedException("the kernel emulator is not built into this version yet");
}
