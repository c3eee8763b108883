using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Profiling.Bench;

/// <summary>SGEMM timing at one size and thread count: GFLOP/s by the wall clock and per CPU-second.</summary>
public sealed record CpuGemmTiming(int Size, int Threads, int Runs, CpuBenchTime Time)
{
    public double Flops => 2.0 * Size * Size * Size;

    /// <summary>GFLOP/s by the wall clock: what the goal is stated in.</summary>
    public double Gflops => Flops / Time.WallSeconds / 1e9;

    /// <summary>GFLOP/s per thread-second of CPU time, times the threads: the wall-clock rate an idle machine would show.</summary>
    public double IdleGflopsEstimate => Flops / (Time.CpuSeconds / Threads) / 1e9;
}

/// <summary>
/// What <c>cudaprune bench cpu</c> prints for the GEMM: the fast SGEMM at Size³ on one thread and on all,
/// the naive reference as the yardstick (at a smaller size, it is slow), and fractions of the theoretical peak.
/// </summary>
public sealed record CpuGemmBenchResult(CpuPeak Peak, CpuGemmTiming OneThread, CpuGemmTiming AllThreads, CpuGemmTiming Reference,
    int VectorBits, DateTime Date, double? LoadAverage)
{
    /// <summary>One thread's wall-clock GFLOP/s over one core's peak (null when the clock is unknown). The goal is ≥ 0.5.</summary>
    public double? OneThreadFractionOfCorePeak => OneThread.Gflops / Peak.GflopsPerCore;

    /// <summary>The same from CPU time: not lowered by other processes sharing the core.</summary>
    public double? OneThreadCpuTimeFractionOfCorePeak => OneThread.IdleGflopsEstimate / Peak.GflopsPerCore;

    /// <summary>All threads' wall-clock GFLOP/s over the peak of that many cores.</summary>
    public double? AllThreadsFractionOfPeak => AllThreads.Gflops / (Peak.GflopsPerCore * AllThreads.Threads);

    /// <summary>How many times faster than the naive reference one thread runs.</summary>
    public double SpeedupOverReference => OneThread.Gflops / Reference.Gflops;

    public IEnumerable<string> Lines()
    {
        yield return $"CPU: {Environment.ProcessorCount} cores; peak per core: {Peak}";
        yield return $"SGEMM {OneThread.Size}³ ({VectorBits}-bit kernel), median of {OneThread.Runs}:";
        yield return $"  1 thread:   {OneThread.Gflops,7:F1} GFLOP/s{Fraction(OneThreadFractionOfCorePeak, "of one core's peak")}" +
                     $"; per CPU-second {OneThread.IdleGflopsEstimate:F1}{Fraction(OneThreadCpuTimeFractionOfCorePeak, "")}";
        yield return $"  {AllThreads.Threads} threads:  {AllThreads.Gflops,7:F1} GFLOP/s{Fraction(AllThreadsFractionOfPeak, $"of {AllThreads.Threads} cores' peak")}" +
                     $"; idle-machine estimate from CPU time {AllThreads.IdleGflopsEstimate:F1}";
        yield return $"  reference:  {Reference.Gflops,7:F2} GFLOP/s (naive loops, {Reference.Size}³, 1 thread): fast path {SpeedupOverReference:F0}x";
        yield return $"  measured {Date:yyyy-MM-dd HH:mm} UTC{LoadNote(LoadAverage)}";
    }

    private static string Fraction(double? f, string what) => f is { } v ? $" = {v:P0}{(what.Length > 0 ? " " + what : "")}" : "";

    internal static string LoadNote(double? load) =>
        load is { } l ? $", load average {l:F1} on {Environment.ProcessorCount} cores" +
                        (l > Environment.ProcessorCount * 0.5 ? " (busy: other processes share the cores, wall-clock numbers are low)" : "") : "";
}

/// <summary>Measures the CPU backend's SGEMM (row-major, no transposes) against the machine's theoretical peak.</summary>
public static class CpuGemmBench
{
    public static CpuGemmBenchResult Run(int size = 1024, int runs = 7, int referenceSize = 192)
    {
        var one = Time(new CpuBackend(threads: 1), size, runs);
        var all = Time(new CpuBackend(), size, runs);
        var reference = Time(new CpuBackend(useFastPaths: false), referenceSize, 1);
        return new CpuGemmBenchResult(CpuPeak.Detect(), one, all, reference, new CpuBackend().VectorBits, DateTime.UtcNow, CpuBenchTimer.LoadAverage());
    }

    private static CpuGemmTiming Time(CpuBackend backend, int size, int runs)
    {
        var random = new Random(1);
        var data = new float[size * size];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextSingle() - 0.5f;
        using var a = backend.FromArray(data, [size, size]);
        using var b = backend.FromArray(data, [size, size]);
        using var c = backend.Zeros([size, size]);
        var time = CpuBenchTimer.Median(() => backend.Gemm(false, false, size, size, size, 1f, a, b, 0f, c), runs);
        return new CpuGemmTiming(size, backend.UseFastPaths ? backend.Threads : 1, runs, time);
    }
}
