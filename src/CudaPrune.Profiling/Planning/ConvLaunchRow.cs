using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Planning;

namespace CudaPrune.Profiling.Planning;

/// <summary>
/// One conv layer's planned launch at one batch size, with the quantities the plan report shows: what the
/// kernel computes against what the layer needs, and how many blocks each SM gets.
/// </summary>
/// <param name="Layer">The conv layer's name in the model spec (e.g. layer2.0.conv1).</param>
/// <param name="Geometry">The layer's shapes at this batch size.</param>
/// <param name="Plan">The planner's choice for the layer's forward pass.</param>
/// <param name="Multiprocessors">SMs of the planned-for device (for <see cref="BlocksPerSm"/>).</param>
public sealed record ConvLaunchRow(string Layer, Conv2dGeometry Geometry, ConvLaunchPlan Plan, int Multiprocessors)
{
    public int Batch => Geometry.N;

    /// <summary>The main kernel's name; version 1 has one untiled kernel per op.</summary>
    public string Kernel => Plan.Tile is { } tile ? ConvKernels.TiledKernelName(Plan.Op, Plan.Version, tile) : $"{Plan.Op}_kernel1";

    /// <summary>"BMxBN", or "-" for the untiled version 1.</summary>
    public string Tile => Plan.Tile?.ToString() ?? "-";

    public int SplitK => Plan.Splits;

    public long Blocks => Plan.Blocks;

    /// <summary>Blocks ÷ SMs: below 1, some SMs get no block at all.</summary>
    public double BlocksPerSm => (double)Plan.Blocks / Multiprocessors;

    /// <summary>2 · the multiply-adds the layer needs (padding of the tiles not counted).</summary>
    public double Flops => 2 * Plan.Gemm.UsefulMacs;

    public double UsefulMacs => Plan.Gemm.UsefulMacs;

    /// <summary>Every multiply-add the tiles do, the padded rows, columns and k steps included.</summary>
    public double ComputedMacs => Plan.ComputedMacs;

    public double UsefulMacFraction => Plan.UsefulMacFraction;

    /// <summary>Bytes of the split-K partial sums (FP32); 0 without split-K.</summary>
    public long WorkspaceBytes => Plan.WorkspaceFloats * sizeof(float);

    /// <summary>The cost model's estimate in µs (NaN for version 1, which the model does not cover): a planning figure, not a measurement.</summary>
    public double EstimatedUs => Plan.EstimatedNs / 1000;
}
