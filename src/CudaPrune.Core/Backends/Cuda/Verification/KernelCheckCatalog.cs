namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>All kernel checks of all families: what `cudaprune verify` and the Emulated/Gpu test categories run.</summary>
public static class KernelCheckCatalog
{
    /// <summary>One entry per kernel file's check source.</summary>
    public static IReadOnlyList<IKernelCheckSource> Sources { get; } =
    [
        new GemmChecks(),
        new Conv2dChecks(),
        new InferenceChecks(),
        new ElementwiseChecks(),
        new PoolingChecks(),
        new BatchNormChecks(),
        new LossChecks(),
        new SgdChecks(),
        new GatherChecks(),
    ];

    public static IEnumerable<KernelCheck> All(bool quick) => Sources.SelectMany(s => s.Checks(quick));
}
