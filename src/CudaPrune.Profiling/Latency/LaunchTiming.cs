namespace CudaPrune.Profiling.Latency;

/// <summary>One timed op (CPU) or kernel launch (CUDA) of a forward pass: where it ran, what it did, how long it took.</summary>
/// <param name="Layer">The module path that was running (<see cref="Core.Profiling.LayerScope.Current"/>), "" outside any module.</param>
/// <param name="Kernel">The kernel's name ("conv2d_forward_kernel2_64x64") or the CPU op's ("conv2d_forward").</param>
/// <param name="Flops">Useful floating-point operations.</param>
/// <param name="Bytes">Minimal memory traffic in bytes.</param>
/// <param name="Microseconds">Duration.</param>
public readonly record struct LaunchTiming(string Layer, string Kernel, double Flops, double Bytes, double Microseconds);
