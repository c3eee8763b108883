using Microsoft.ML.OnnxRuntime;

namespace CudaPrune.Experiment.Engines;

/// <summary>How the ONNX Runtime engine exports and runs a model (CPU execution provider).</summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>Threads of one inference (ONNX Runtime's intra-op pool); 0 = one per logical core, as our CPU backend.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>ONNX Runtime's own graph rewrites (constant folding, conv + batch norm + activation fusion...): all, as deployed.</summary>
    public GraphOptimizationLevel GraphOptimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Whether idle intra-op threads busy-wait for the next inference. Off: runs are interleaved with another
    /// engine on the same cores, and threads still spinning after an ONNX Runtime run would slow the next one.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Export with batch norms folded into the convolutions (ONNX Runtime fuses them itself at the default optimisation level).</summary>
    public bool FoldBatchNorm { get; init; }

    /// <summary>Seed of the input images: the same as our engine's, so both time the same input.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The intra-op thread count actually used.</summary>
    public int Threads => IntraOpThreads > 0 ? IntraOpThreads : Environment.ProcessorCount;

    public OnnxRuntimeOptions Validated()
    {
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "the thread count must be at least 0 (0 = one per core)");
        return this;
    }
}
