using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// The theoretical float32 peak of one core: vector lanes × 2 flops per FMA × FMA units × clock.
/// The widest accelerated vector ISA comes from System.Runtime.Intrinsics; two FMA units are assumed
/// (true of Zen 2-4 and of Intel server cores since Haswell); the clock is /proc/cpuinfo's "cpu MHz".
/// </summary>
public sealed record CpuPeak(string Isa, int VectorBits, bool HasFma, int FmaUnits, double? ClockGHz, string ClockSource)
{
    /// <summary>Flops per cycle per core: lanes × 2 (multiply + add) × FMA units; without FMA, one multiply and one add port.</summary>
    public int FlopsPerCycle => VectorBits / 32 * 2 * (HasFma ? FmaUnits : 1);

    /// <summary>GFLOP/s of one core, or null when the clock is unknown.</summary>
    public double? GflopsPerCore => ClockGHz * FlopsPerCycle;

    public static CpuPeak Detect()
    {
        var (isa, bits) = Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? ("AVX-512", 512)
            : Avx2.IsSupported ? ("AVX2", 256)
            : Vector256.IsHardwareAccelerated ? ("256-bit SIMD", 256)
            : Vector128.IsHardwareAccelerated ? ("128-bit SIMD", 128)
            : ("scalar", 32);
        bool fma = Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
        var (clock, source) = ReadClock();
        return new CpuPeak(isa, bits, fma, FmaUnits: 2, clock, source);
    }

    /// <summary>The first "cpu MHz" line of /proc/cpuinfo (Linux), in GHz.</summary>
    private static (double? GHz, string Source) ReadClock()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return (null, "unknown (no /proc/cpuinfo)");
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith("cpu MHz", StringComparison.Ordinal)) continue;
            var value = line[(line.IndexOf(':') + 1)..].Trim();
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz) && mhz > 0)
                return (mhz / 1000, "/proc/cpuinfo cpu MHz");
        }
        return (null, "unknown (no cpu MHz in /proc/cpuinfo)");
    }

    public override string ToString() =>
        $"{Isa}{(HasFma ? "+FMA" : "")}, {FmaUnits} FMA units assumed, {FlopsPerCycle} flop/cycle, " +
        (ClockGHz is { } ghz ? $"{ghz:F2} GHz ({ClockSource}) → {GflopsPerCore:F1} GFLOP/s per core" : $"clock {ClockSource}");
}
