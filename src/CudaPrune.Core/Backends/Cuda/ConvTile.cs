namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// A block tile of the implicit-GEMM convolution kernels (conv2d.cu, version 2): BM rows of the GEMM's M
/// dimension (output channels, or input channels for the backward-data pass) by 128 columns, each thread
/// holding a TM x 8 register tile.
/// </summary>
/// <param name="Rows">BM: 128, 64, 32 or 16.</param>
/// <param name="ThreadRows">TM: 8, or 4 for the 16-row tile.</param>
public readonly record struct ConvTile(int Rows, int ThreadRows)
{
    /// <summary>BN, the same for every tile.</summary>
    public const int Columns = 128;

    public int Threads => Rows / ThreadRows * (Columns / 8);

    /// <summary>The kernel-name suffix: conv2d_forward_kernel2_bm64.</summary>
    public string Suffix => $"bm{Rows}";

    public override string ToString() => $"{Rows}x{Columns}";
}
