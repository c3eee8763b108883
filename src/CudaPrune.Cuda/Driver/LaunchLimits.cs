using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Driver;

/// <summary>The largest launch a device accepts; checked before each launch so a bad one fails with its sizes.</summary>
/// <param name="MaxThreadsPerBlock">Threads in one block (1024).</param>
/// <param name="MaxBlock">Largest block per dimension ((1024, 1024, 64)).</param>
/// <param name="MaxGrid">Largest grid per dimension ((2^31-1, 65535, 65535)).</param>
/// <param name="SharedMemoryPerBlock">Shared memory a block gets without opting in (48 KiB).</param>
/// <param name="SharedMemoryPerBlockOptin">Shared memory a block may opt into (227 KiB on Hopper).</param>
public sealed record LaunchLimits(int MaxThreadsPerBlock, Dim3 MaxBlock, Dim3 MaxGrid, int SharedMemoryPerBlock, int SharedMemoryPerBlockOptin)
{
    /// <summary>Throws a <see cref="CudaException"/> naming <paramref name="kernel"/> and the sizes when the launch exceeds a limit.</summary>
    public void Validate(string kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes)
    {
        // The happy path compares a few integers and allocates nothing.
        if (block.Total <= MaxThreadsPerBlock && Fits(block, MaxBlock) && Fits(grid, MaxGrid)
            && dynamicSharedBytes >= 0 && dynamicSharedBytes <= SharedMemoryPerBlockOptin)
            return;
        throw new CudaException($"cannot launch {kernel} with grid {grid}, block {block} and {dynamicSharedBytes} B of dynamic shared memory: {Problem(grid, block, dynamicSharedBytes)}");
    }

    private static bool Fits(Dim3 d, Dim3 max) => d.X >= 1 && d.Y >= 1 && d.Z >= 1 && d.X <= max.X && d.Y <= max.Y && d.Z <= max.Z;

    private string Problem(Dim3 grid, Dim3 block, int smem)
    {
        if (block.Total > MaxThreadsPerBlock) return $"a block of {block.Total} threads exceeds the device's {MaxThreadsPerBlock} threads per block";
        if (!Fits(block, MaxBlock)) return $"each block dimension must be between 1 and {MaxBlock}";
        if (!Fits(grid, MaxGrid)) return $"each grid dimension must be between 1 and {MaxGrid}";
        if (smem < 0) return "dynamic shared memory cannot be negative";
        return $"{smem} B of dynamic shared memory exceeds the device's {SharedMemoryPerBlockOptin} B per block";
    }
}
