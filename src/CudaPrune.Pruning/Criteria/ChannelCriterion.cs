namespace CudaPrune.Pruning.Criteria;

/// <summary>How channel pruning ranks the channels of a group (lowest score is removed first).</summary>
public enum ChannelCriterion
{
    /// <summary>L1 norm of each filter (Li et al. 2017).</summary>
    L1,
    /// <summary>L2 norm of each filter.</summary>
    L2,
    /// <summary>|γ| of the batch norms (network slimming, Liu et al. 2017).</summary>
    BatchNorm,
    /// <summary>First-order Taylor: |Σ activation · gradient| per channel over calibration batches (Molchanov et al. 2019).</summary>
    Taylor,
    /// <summary>Seeded random scores: the baseline.</summary>
    Random,
}

/// <summary>How layer pruning ranks removable blocks or layers (lowest score is removed first).</summary>
public enum LayerCriterion
{
    /// <summary>Mean |w| of the convs of the block's residual branch (or of the plain conv).</summary>
    L1,
    /// <summary>How much the logits change on calibration batches when the block is removed.</summary>
    OutputChange,
    /// <summary>First-order Taylor of zeroing the branch's output: |Σ activation · gradient| over calibration batches.</summary>
    Taylor,
    /// <summary>Seeded random scores: the baseline.</summary>
    Random,
}
