namespace CudaPrune.Core.Backends.Cpu;

/// <summary>Splits a range of work items into contiguous chunks and runs them on up to a given number of threads.</summary>
/// <remarks>
/// A few chunks per thread, handed out as threads become free: on a machine shared with other processes
/// a thread that loses its core for a while does not hold the others back at the end.
/// </remarks>
internal static class CpuParallel
{
    private const int ChunksPerThread = 4;

    /// <summary>How many chunks <see cref="For(int, int, Action{int, int, int})"/> cuts <paramref name="count"/> items into.</summary>
    public static int Chunks(int threads, int count) =>
        threads <= 1 ? 1 : Math.Max(1, Math.Min(threads * ChunksPerThread, count));

    /// <summary>
    /// Runs <paramref name="body"/>(chunk, start, end) over [0, count) cut into <see cref="Chunks"/> contiguous
    /// chunks on at most <paramref name="threads"/> threads; a chunk runs on one thread, which reuses its scratch buffers for it.
    /// </summary>
    public static void For(int threads, int count, Action<int, int, int> body)
    {
        if (count <= 0) return;
        int chunks = Chunks(threads, count);
        if (chunks == 1)
        {
            body(0, 0, count);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0, chunks, options, i => body(i, Start(i, chunks, count), Start(i + 1, chunks, count)));
    }

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) in contiguous chunks on at most <paramref name="threads"/> threads.</summary>
    public static void For(int threads, int count, Action<int, int> body) =>
        For(threads, count, (_, start, end) => body(start, end));

    /// <summary>Like <see cref="For(int, int, Action{int, int})"/>, but chunk boundaries fall on multiples of <paramref name="grain"/>.</summary>
    public static void ForAligned(int threads, int count, int grain, Action<int, int> body)
    {
        int blocks = (count + grain - 1) / grain;
        For(threads, blocks, (b0, b1) => body(b0 * grain, Math.Min(b1 * grain, count)));
    }

    /// <summary>Threads worth using for <paramref name="work"/> elementary operations: small jobs stay on the calling thread.</summary>
    public static int ThreadsFor(long work, int threads, long minWorkPerThread) =>
        (int)Math.Clamp(work / minWorkPerThread, 1, threads);

    private static int Start(int chunk, int chunks, int count) => (int)((long)count * chunk / chunks);
}
