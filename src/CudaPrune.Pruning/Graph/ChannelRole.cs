namespace CudaPrune.Pruning.Graph;

/// <summary>Which channel dimension of which tensors a <see cref="ChannelNode"/> stands for.</summary>
public enum ChannelRole
{
    /// <summary>The channels of the model's input image (never pruned).</summary>
    ImageInput,
    /// <summary>A conv's output channels: dimension 0 of its weight [OC,C,K,K] and of its bias.</summary>
    ConvOut,
    /// <summary>A conv's input channels: dimension 1 of its weight.</summary>
    ConvIn,
    /// <summary>A batch norm's channels: weight, bias, running_mean and running_var.</summary>
    BatchNorm,
    /// <summary>A linear layer's input features, in blocks of <see cref="ChannelNode.BlockSize"/> columns per channel (H·W after a flatten).</summary>
    LinearIn,
    /// <summary>A linear layer's output features: dimension 0 of its weight and its bias.</summary>
    LinearOut,
    /// <summary>The model's logits (never pruned: the classes stay).</summary>
    Logits,
}
