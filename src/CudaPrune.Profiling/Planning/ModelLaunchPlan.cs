using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Planning;
using CudaPrune.Core.Models;

namespace CudaPrune.Profiling.Planning;

/// <summary>
/// How the convolution kernels would launch for every conv layer of a model at each batch size: the launch
/// planner's choices for the inference forward pass, without a GPU. The numbers come from the planner's
/// model (tile padding is exact; the time estimate is the cost model's), not from measurements.
/// </summary>
/// <param name="Model">The spec's name.</param>
/// <param name="Checkpoint">The checkpoint the spec was read from; null for a zoo model.</param>
/// <param name="Device">The device planned for (a preset or a live device's facts).</param>
/// <param name="Version">The conv kernel version planned (2 generic tiles, 3 per-layer kernels; 1 naive).</param>
public sealed record ModelLaunchPlan(string Model, string? Checkpoint, ConvPlanDevice Device, int Version, IReadOnlyList<BatchLaunchPlan> Batches)
{
    /// <summary>
    /// The op planned: the inference forward. The folded conv + BN + ReLU (<see cref="ConvKernels.BiasReluForward"/>)
    /// runs the same GEMM with a different epilogue, so it plans the same.
    /// </summary>
    public const string Op = ConvKernels.Forward;

    /// <summary>Plans every conv layer of <paramref name="spec"/> (residual blocks' convs and shortcuts included) at each of <paramref name="batches"/>.</summary>
    public static ModelLaunchPlan Build(ModelSpec spec, string? checkpoint, ConvPlanDevice device, int version, IReadOnlyList<int> batches)
    {
        if (!ConvKernels.Versions.Contains(version))
            throw new ArgumentOutOfRangeException(nameof(version), version, $"convolutions have versions {string.Join(", ", ConvKernels.Versions)}");
        if (batches.Count == 0) throw new ArgumentException("no batch size to plan for", nameof(batches));
        spec.Validate();
        var planner = new ConvLaunchPlanner(device);
        var plans = batches.Select(batch => new BatchLaunchPlan(batch,
            [.. ModelConvLayers.Of(spec, batch).Select(l => new ConvLaunchRow(l.Name, l.Geometry, planner.Plan(Op, l.Geometry, version), device.Multiprocessors))]));
        return new ModelLaunchPlan(spec.Name, checkpoint, device, version, [.. plans]);
    }
}
