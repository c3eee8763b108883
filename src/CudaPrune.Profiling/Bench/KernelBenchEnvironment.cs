using CudaPrune.Cuda.Compilation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Bench;

/// <summary>Where and how a <c>bench kernels</c> run was measured: device, its peaks, driver, NVRTC, date, command line.</summary>
public sealed record KernelBenchEnvironment(
    string Device, bool Emulated, string ComputeCapability, int Multiprocessors, double ClockMegahertz, double MemoryClockMegahertz,
    long L2CacheBytes, double PeakFp32Teraflops, double PeakBandwidthGigabytesPerSecond, string Driver, string Nvrtc,
    string Date, string CommandLine, int Runs, int WarmupRuns, long FlushBytes, string? CudnnReferenceFile, string Note)
{
    public static KernelBenchEnvironment Describe(IGpu gpu, KernelBenchOptions options, long flushBytes, string commandLine, string? pytorchReference)
    {
        var p = gpu.Properties;
        string note = gpu.IsEmulated
            ? "EMULATED: kernels ran on the CPU through the emulator. These times mean nothing about a GPU; the run only proves the benchmark path works."
            : options.Quick ? "QUICK: tiny shapes and few runs; a smoke run, not a measurement." : "";
        return new KernelBenchEnvironment(
            gpu.Name, gpu.IsEmulated, $"{p.ComputeMajor}.{p.ComputeMinor}", p.MultiprocessorCount, p.ClockRateKHz / 1e3, p.MemoryClockRateKHz / 1e3,
            p.L2CacheBytes, p.PeakFp32FlopsPerSecond / 1e12, p.PeakBandwidthBytesPerSecond / 1e9,
            p.DriverVersion > 0 ? $"{p.DriverVersion / 1000}.{p.DriverVersion % 1000 / 10}" : "none",
            NvrtcVersion(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), commandLine,
            options.Runs, options.WarmupRuns, flushBytes, pytorchReference, note);
    }

    private static string NvrtcVersion()
    {
        try
        {
            var (major, minor) = KernelCompiler.NvrtcVersion;
            return $"{major}.{minor}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "not found";
        }
    }
}
