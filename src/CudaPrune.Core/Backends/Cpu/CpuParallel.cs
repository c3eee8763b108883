namespace CudaPrune.Core.Backends.Cpu;

/// <summary>Splits a range of work items into one contiguous chunk per thread and runs the chunks in parallel.</summary>
internal static class CpuParallel
{
    /// <summary>How many chunks <see cref="For(int, int, Action{int, int, int})"/> cuts <paramref name="count"/> items into.</summary>
    public static int Chunks(int threads, int count) => Math.Max(1, Math.Min(threads, count));

    /// <summary>
    /// Runs <paramref name="body"/>(chunk, start, end) over [0, count) cut into <see cref="Chunks"/> contiguous
    /// chunks, one per thread, so each thread reuses its scratch buffers for its whole chunk.
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
        var options = new ParallelOptions { MaxDegreeOfParallelism = chunks };
        Parallel.For(0, chunks, options, i => body(i, Start(i, chunks, count), Start(i + 1, chunks, count)));
    }

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) in one contiguous chunk per thread.</summary>
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
