using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Cli.Options;

/// <summary>The validated options of <c>cudaprune prune</c>.</summary>
public sealed record PruneSettings
{
    public required string Checkpoint { get; init; }
    public string? Out { get; init; }
    /// <summary>"channel" or "layer"; null only with --show-groups.</summary>
    public string? Method { get; init; }
    public ChannelCriterion ChannelCriterion { get; init; }
    public LayerCriterion LayerCriterion { get; init; }
    public string CriterionName { get; init; } = "l1";
    public PruneTarget? Target { get; init; }
    /// <summary>Channel pruning: kept counts are multiples of this ("tile" already resolved to a number).</summary>
    public int RoundTo { get; init; } = 1;
    public ChannelRanking Ranking { get; init; } = ChannelRanking.Uniform;
    /// <summary>Channel pruning: prune the stem's group too (by default it is left whole).</summary>
    public bool PruneStem { get; init; }
    /// <summary>Layer pruning of a plain network: never remove the first conv.</summary>
    public bool ProtectFirst { get; init; }
    public IReadOnlyList<string> Protect { get; init; } = [];
    public bool AllowDownsample { get; init; }
    public bool AllowNonFinite { get; init; }
    public bool Check { get; init; }
    public bool ShowGroups { get; init; }
    public int CalibrationBatches { get; init; } = 4;
    public int CalibrationBatchSize { get; init; } = 64;
    public int Steps { get; init; } = 1;
    public int FinetuneEpochs { get; init; }
    public float FinetuneLearningRate { get; init; } = 0.01f;
    public int FinetuneBatch { get; init; } = 128;
    public int Seed { get; init; } = 1;

    public bool IsChannel => Method == "channel";

    /// <summary>The criterion reads training images.</summary>
    public bool CriterionNeedsData => IsChannel ? CriterionNames.NeedsData(ChannelCriterion) : CriterionNames.NeedsData(LayerCriterion);

    /// <summary>Fine-tuning runs between pruning steps.</summary>
    public bool FineTunes => Steps > 1 && FinetuneEpochs > 0;
}
