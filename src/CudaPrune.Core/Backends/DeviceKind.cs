namespace CudaPrune.Core.Backends;

/// <summary>Where a backend computes.</summary>
public enum DeviceKind
{
    /// <summary>The CPU reference backend (fast paths on).</summary>
    Cpu,
    /// <summary>Our CUDA kernels on a real GPU.</summary>
    Cuda,
    /// <summary>Our CUDA kernels compiled with g++ and run on the CPU by the emulator (slow; tests and debugging).</summary>
    Emulated,
}
