namespace CudaPrune.Pruning.Graph;

/// <summary>
/// A node of the <see cref="DependencyGraph"/>: one channel dimension of the tensors of one layer
/// (<paramref name="Layer"/> is the layer's full name, "layer1.0.conv1"). Nodes joined by an edge hold
/// the same channels, so pruning a channel of one prunes it in all of them.
/// </summary>
/// <param name="BlockSize">Columns per channel for <see cref="ChannelRole.LinearIn"/> after a flatten (H·W); 1 otherwise.</param>
public sealed record ChannelNode(int Id, string Layer, ChannelRole Role, int Channels, int BlockSize = 1)
{
    /// <summary>Produces the channel values: zeroing its channel zeroes the channel's output (conv/linear out, batch norm).</summary>
    public bool IsWriter => Role is ChannelRole.ConvOut or ChannelRole.LinearOut or ChannelRole.BatchNorm;

    /// <summary>Reads the channels as input (conv in, linear in).</summary>
    public bool IsReader => Role is ChannelRole.ConvIn or ChannelRole.LinearIn;

    /// <summary>Holds weights with one filter (row) per channel: conv out or linear out.</summary>
    public bool IsFilter => Role is ChannelRole.ConvOut or ChannelRole.LinearOut;

    public override string ToString() => Role switch
    {
        ChannelRole.ImageInput => "input",
        ChannelRole.Logits => "logits",
        ChannelRole.ConvOut or ChannelRole.LinearOut => $"{Layer}.out",
        ChannelRole.ConvIn => $"{Layer}.in",
        ChannelRole.LinearIn => BlockSize == 1 ? $"{Layer}.in" : $"{Layer}.in(×{BlockSize})",
        _ => Layer,
    };
}
