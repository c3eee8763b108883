namespace CudaPrune.Cuda.Runtime;

/// <summary>Static facts about a device, read once when it is opened.</summary>
/// <param name="Name">Device name.</param>
/// <param name="ComputeMajor">Compute capability, major (9 for Hopper).</param>
/// <param name="ComputeMinor">Compute capability, minor.</param>
/// <param name="MultiprocessorCount">Number of SMs.</param>
/// <param name="TotalMemoryBytes">Device memory in bytes.</param>
/// <param name="L2CacheBytes">L2 cache size in bytes.</param>
/// <param name="ClockRateKHz">Peak SM clock in kHz (0 where unknown).</param>
/// <param name="MemoryClockRateKHz">Peak memory clock in kHz (0 where unknown).</param>
/// <param name="MemoryBusWidthBits">Memory bus width in bits (0 where unknown).</param>
/// <param name="MaxSharedMemoryPerBlockOptin">Largest dynamic shared memory a block may opt into.</param>
/// <param name="DriverVersion">Driver API version as an integer (12080 = 12.8; 0 when emulated).</param>
public sealed record GpuProperties(
    string Name,
    int ComputeMajor,
    int ComputeMinor,
    int MultiprocessorCount,
    long TotalMemoryBytes,
    long L2CacheBytes,
    int ClockRateKHz,
    int MemoryClockRateKHz,
    int MemoryBusWidthBits,
    int MaxSharedMemoryPerBlockOptin,
    int DriverVersion)
{
    /// <summary>"sm_90" style architecture name.</summary>
    public string Arch => $"sm_{ComputeMajor}{ComputeMinor}";

    /// <summary>Peak DRAM bandwidth in bytes/s from the memory clock and bus width (DDR: two transfers a clock); 0 if unknown.</summary>
    public double PeakBandwidthBytesPerSecond => 2.0 * MemoryClockRateKHz * 1e3 * MemoryBusWidthBits / 8.0;

    /// <summary>Peak FP32 FLOP/s from the SM count and clock (128 FP32 lanes per SM, 2 FLOPs per FMA); 0 if unknown.</summary>
    public double PeakFp32FlopsPerSecond => 2.0 * 128 * MultiprocessorCount * ClockRateKHz * 1e3;
}
