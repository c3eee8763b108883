namespace CudaPrune.Pruning.Channels;

/// <summary>How channel pruning spreads a ratio over the prunable groups (<see cref="ChannelSelection"/>).</summary>
public enum ChannelRanking
{
    /// <summary>Every eligible group loses the same fraction of its channels (Li et al. 2017's per-layer ratio).</summary>
    Uniform,

    /// <summary>
    /// All eligible channels ranked together, each group's scores normalised by the group's mean: groups
    /// with many weak channels lose more, groups of equally useful channels lose less.
    /// </summary>
    Global,
}
