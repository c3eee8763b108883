using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda.Planning;

/// <summary>
/// The defines that compile kernels/conv2d_specialised.cu (version 3) for one layer: its shape and tile. The
/// batch size is not among them (it stays an argument), so one compiled module serves every batch size.
/// </summary>
public static class ConvSpecialisation
{
    public static ModuleDefines Defines(Conv2dGeometry g, ConvTile tile)
    {
        if (!tile.IsValid) throw new ArgumentException($"tile {tile} cannot be compiled: BM must be a multiple of 4 up to 128, BN 32, 64 or 128, and the block a multiple of 8 threads", nameof(tile));
        return ModuleDefines.Of(
            ("CONV_C", g.C), ("CONV_H", g.H), ("CONV_W", g.W), ("CONV_OC", g.OC), ("CONV_K", g.K),
            ("CONV_S", g.Stride), ("CONV_P", g.Padding), ("CONV_BM", tile.Rows), ("CONV_BN", tile.Columns));
    }
}
