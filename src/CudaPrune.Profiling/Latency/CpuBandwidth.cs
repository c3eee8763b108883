using System.Diagnostics;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// The host's memory bandwidth, measured as a STREAM-style copy of 64 MiB over all cores (best of a few
/// tries, counting read and write): the CPU's stand-in for a GPU's DRAM peak on the roofline.
/// </summary>
internal static class CpuBandwidth
{
    public static double MeasureBytesPerSecond(int threads, int megabytes = 64, int tries = 4)
    {
        int count = megabytes << 18; // floats
        var src = new float[count];
        var dst = new float[count];
        src.AsSpan().Fill(1f);
        int chunks = Math.Max(1, threads);
        int per = (count + chunks - 1) / chunks;
        double best = double.MaxValue;
        for (int t = 0; t <= tries; t++) // the first pass warms the pages up and is not counted
        {
            long start = Stopwatch.GetTimestamp();
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
            {
                int from = c * per, n = Math.Min(per, count - from);
                if (n > 0) src.AsSpan(from, n).CopyTo(dst.AsSpan(from, n));
            });
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (t > 0) best = Math.Min(best, seconds);
        }
        return 2.0 * count * sizeof(float) / best;
    }
}
