using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda.Planning;

/// <summary>
/// How one convolution pass is launched: kernel version, tile, split-K, grid, and what that computes —
/// <see cref="ComputedMacs"/> counts every multiply-add the tiles do, padding included, so
/// <see cref="UsefulMacFraction"/> says how much of the kernel's work the layer needs.
/// </summary>
/// <param name="Op">A <see cref="ConvKernels"/> op.</param>
/// <param name="Version">1 (naive), 2 (generic tiles) or 3 (per-layer kernels).</param>
/// <param name="Tile">The block tile; null for version 1.</param>
/// <param name="Splits">Blocks along the reduction (split-K); more than 1 adds a reduction kernel.</param>
/// <param name="Chunk">The reduction length of one split (a multiple of 8; the last split may be shorter).</param>
/// <param name="EstimatedNs">The planner's cost model's estimate (kernels and reduction), for choosing, not for reporting as a measurement.</param>
public sealed record ConvLaunchPlan(string Op, int Version, ConvGemm Gemm, ConvTile? Tile, int Splits, int Chunk, Dim3 Grid,
                                   int Threads, double ComputedMacs, double EstimatedNs)
{
    public long Blocks => Grid.Total;

    public double UsefulMacFraction => ComputedMacs > 0 ? Gemm.UsefulMacs / ComputedMacs : 1;

    /// <summary>Floats of the split-K workspace: one copy of the output per split, none without splits.</summary>
    public long WorkspaceFloats => Splits > 1 ? Splits * Gemm.Outputs : 0;

    public override string ToString() =>
        $"{Op} v{Version}{(Tile is { } t ? $" tile {t}" : "")}{(Splits > 1 ? $" split-K {Splits}x{Chunk}" : "")} grid {Grid} ({Blocks} blocks of {Threads})";
}
