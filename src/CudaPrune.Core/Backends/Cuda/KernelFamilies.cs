namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// The one registry of kernel families: every op of every kernel file with its versions, default version and
/// kernels. The launchers take their default and their bounds from it, and the coverage test checks it against
/// the kernel files (every declared kernel belongs to a family) and against `verify`'s catalogue (every
/// version of every op is checked). Tile rules of the convolutions live in <see cref="ConvKernels"/> and
/// <see cref="Planning.ConvLaunchPlanner"/>; its families list the kernels of every tile.
/// </summary>
public static class KernelFamilies
{
    public static IReadOnlyList<KernelFamily> All { get; } = Build();

    private static readonly Dictionary<string, KernelFamily> ByOp = All.ToDictionary(f => f.Op);

    /// <summary>Kernels that are no op of their own, with what runs them.</summary>
    public static IReadOnlyDictionary<string, string> Helpers { get; } = new Dictionary<string, string>
    {
        ["bench_spin_kernel1"] = "bench kernels and profile: keeps the GPU busy while timed launches are queued (no CPU twin)",
    };

    /// <summary>The family of <paramref name="op"/>; the error lists the ops.</summary>
    public static KernelFamily Of(string op) => ByOp.TryGetValue(op, out var family) ? family
        : throw new ArgumentException($"no kernel family '{op}'; ops: {string.Join(", ", ByOp.Keys.Order())}", nameof(op));

    private static List<KernelFamily> Build()
    {
        var families = new List<KernelFamily>
        {
            KernelFamily.Numbered(GemmKernels.Module, GemmKernels.Gemm, GemmKernels.GemmVersions.Count, GemmKernels.DefaultGemmVersion),
            KernelFamily.Numbered(GemmKernels.Module, GemmKernels.BiasForward, 1, 1),
            KernelFamily.Numbered(GemmKernels.Module, GemmKernels.BiasBackward, 1, 1),
            KernelFamily.Numbered(InferenceKernels.Module, InferenceKernels.FoldBatchNorm, 1, 1),
            KernelFamily.Numbered("batchnorm", "batch_norm_train_forward", 2, 2, staged: 2),
            KernelFamily.Numbered("batchnorm", "batch_norm_eval_forward", 1, 1),
            KernelFamily.Numbered("batchnorm", "batch_norm_backward", 2, 2, staged: 2),
            KernelFamily.Numbered("loss", "softmax_cross_entropy_forward", 2, 2),
            KernelFamily.Numbered("loss", "softmax_cross_entropy_backward", 1, 1),
            KernelFamily.Numbered("sgd", "sgd_step", 2, 2),
            KernelFamily.Numbered("pooling", "max_pool2d_forward", 1, 1),
            KernelFamily.Numbered("pooling", "max_pool2d_backward", 2, 2),
            KernelFamily.Numbered("pooling", "avg_pool2d_forward", 1, 1),
            KernelFamily.Numbered("pooling", "avg_pool2d_backward", 1, 1),
            KernelFamily.Numbered("pooling", "global_avg_pool_forward", 2, 2),
            KernelFamily.Numbered("pooling", "global_avg_pool_backward", 1, 1),
            KernelFamily.Numbered("gather", "index_select", 1, 1),
            KernelFamily.Numbered("gather", "index_select_u8", 1, 1),
            KernelFamily.Numbered("gather", "index_add", 1, 1),
            KernelFamily.Numbered("gather", "index_add_i32", 1, 1),
            KernelFamily.Numbered("gather", "index_add_u8", 1, 1),
        };
        foreach (var op in new[] { "relu_forward", "relu_backward", "add", "add_in_place", "scale", "add_l1_subgradient" })
            families.Add(KernelFamily.Numbered("elementwise", op, 2, 2));
        foreach (var op in ConvKernels.Ops)
            families.Add(new KernelFamily(ConvKernels.Module, op, ConvKernels.Versions, ConvKernels.DefaultVersion, v => ConvKernels.KernelsOf(op, v)));
        return families;
    }
}
