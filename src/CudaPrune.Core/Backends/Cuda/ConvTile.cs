namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// A block tile of the implicit-GEMM convolution kernels (kernels/conv2d_tiled.cuh, TileShape): BM rows of
/// the GEMM's M dimension (output channels, or input channels for backward data) by BN columns (pixels, or
/// taps for backward weight), each thread holding a TM x 8 register tile.
/// </summary>
/// <param name="Rows">BM: a multiple of 4 up to 128.</param>
/// <param name="Columns">BN: 32, 64 or 128.</param>
public readonly record struct ConvTile(int Rows, int Columns)
{
    /// <summary>The k step of the tile engine (TILE_BK): every split of the reduction is a multiple of it.</summary>
    public const int KStep = 8;

    /// <summary>
    /// The smallest step of BM: every tile's row count is a multiple of it, so a layer whose output
    /// channels are a multiple of it fills whole tile rows (the "tile multiple" channel pruning can round to).
    /// </summary>
    public const int RowStep = 4;

    /// <summary>TM: 8 rows per thread when BM is a multiple of 8 and at least 32, else 4 (as TileShape).</summary>
    public int ThreadRows => Rows % 8 == 0 && Rows >= 32 ? 8 : 4;

    public int Threads => Rows / ThreadRows * (Columns / 8);

    /// <summary>Static shared memory of the kernel: two buffers of the A and B tiles, rows padded by 4 floats.</summary>
    public int SharedBytes => 4 * 2 * KStep * (Rows + 4 + Columns + 4);

    /// <summary>Whether the tile engine can be instantiated for it (its loaders need a multiple of 8 threads).</summary>
    public bool IsValid => Rows is >= RowStep and <= 128 && Rows % RowStep == 0 && Columns is 32 or 64 or 128 && Threads % 8 == 0;

    /// <summary>The kernel-name suffix of the generic (version 2) kernels: conv2d_forward_kernel2_bm64_bn128.</summary>
    public string Suffix => $"bm{Rows}_bn{Columns}";

    public override string ToString() => $"{Rows}x{Columns}";
}
