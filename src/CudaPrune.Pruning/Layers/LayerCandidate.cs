namespace CudaPrune.Pruning.Layers;

/// <summary>What removing a <see cref="LayerCandidate"/> does.</summary>
public enum LayerCandidateKind
{
    /// <summary>A residual block with an identity shortcut: it goes, the skip connection stays.</summary>
    IdentityBlock,
    /// <summary>A residual block with a projection shortcut (stride or width change): replaced by its shortcut conv + BN + ReLU.</summary>
    DownsamplingBlock,
    /// <summary>A conv of a plain network with the batch norm, ReLU and pooling that follow it; the next conv or linear is rebuilt when its input changes.</summary>
    PlainConv,
}

/// <summary>A block or layer that layer pruning may remove.</summary>
/// <param name="Name">The block's name ("layer1.1") or the conv's ("features.3", "conv2").</param>
/// <param name="Layers">The spec layers the removal takes out.</param>
/// <param name="BranchConvs">The convs whose weights the L1 criterion reads (the residual branch, or the conv).</param>
/// <param name="Gate">The layer whose output the removal zeroes (bn2, or the conv's batch norm, or the conv): where Taylor measures.</param>
public sealed record LayerCandidate(string Name, LayerCandidateKind Kind, IReadOnlyList<string> Layers, IReadOnlyList<string> BranchConvs, string Gate)
{
    public override string ToString() => Kind switch
    {
        LayerCandidateKind.IdentityBlock => $"block {Name}",
        LayerCandidateKind.DownsamplingBlock => $"downsampling block {Name}",
        _ => Layers.Count == 1 ? $"conv {Name}" : $"conv {Name} (with {string.Join(", ", Layers.Skip(1))})",
    };
}
