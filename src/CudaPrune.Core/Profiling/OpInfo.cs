using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Profiling;

/// <summary>
/// What an <see cref="IOpObserver"/> learns about one op: its name (the kernel, or the CPU op named as
/// the kernel of the same op), its useful FLOPs and minimal memory traffic (0 where not meaningful), and,
/// for a kernel launch, its grid, block and dynamic shared memory (zero for a CPU op).
/// </summary>
public readonly record struct OpInfo(string Name, double Flops, double Bytes, Dim3 Grid = default, Dim3 Block = default, int SharedBytes = 0)
{
    /// <summary>True for a kernel launch (a CUDA or emulated backend), false for a CPU op.</summary>
    public bool IsLaunch => Block.Total > 0;
}
