namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// Which numbered version of each op's kernel the backend runs ("conv2d_forward" → 2 runs
/// conv2d_forward_kernel2). Each op family registers its default (its best version); verify and the
/// benchmarks switch versions to check and time each one. Block sizes can be overridden the same way.
/// </summary>
public sealed class KernelVersions
{
    private readonly Dictionary<string, int> _version = [];
    private readonly Dictionary<string, int> _blockSize = [];

    /// <summary>The version to run for <paramref name="op"/>, or <paramref name="defaultVersion"/> when none was set.</summary>
    public int Get(string op, int defaultVersion) => _version.TryGetValue(op, out var v) ? v : defaultVersion;

    public void Set(string op, int version)
    {
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), version, "kernel versions are numbered from 1");
        _version[op] = version;
    }

    /// <summary>The threads per block for <paramref name="op"/>, or <paramref name="defaultBlockSize"/> when none was set.</summary>
    public int BlockSize(string op, int defaultBlockSize) => _blockSize.TryGetValue(op, out var b) ? b : defaultBlockSize;

    public void SetBlockSize(string op, int threads)
    {
        if (threads is < 32 or > 1024 || threads % 32 != 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a block size must be a multiple of 32 in [32, 1024]");
        _blockSize[op] = threads;
    }

    /// <summary>Back to every family's defaults.</summary>
    public void Reset()
    {
        _version.Clear();
        _blockSize.Clear();
    }
}
