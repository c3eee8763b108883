using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>
/// The residual block of the CIFAR ResNets (He et al. 2016): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
/// conv1 3x3 with the block's stride, conv2 3x3 stride 1, no conv biases.
/// </summary>
/// <remarks>
/// The shortcut is the identity, or — when the block changes the shape (stride 2, or other channels) —
/// a projection conv1x1(stride) + batch norm named <c>shortcut.0</c> / <c>shortcut.1</c>: the paper's
/// "option B". We use B rather than the paper's CIFAR option A (strided identity padded with zeros)
/// because it is made of ordinary layers only: the pruning engine slices it like any conv + BN, and it
/// exports to plain ONNX Conv + BatchNormalization. It adds 2,752 parameters to resnet20.
/// </remarks>
public sealed class BasicBlock : Module
{
    /// <summary>Assembles a block from its layers (taking ownership); <paramref name="shortcut"/> null means identity.</summary>
    public BasicBlock(Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2, Sequential? shortcut)
    {
        if (conv1.OutChannels != bn1.Channels || bn1.Channels != conv2.InChannels || conv2.OutChannels != bn2.Channels)
            throw new ArgumentException($"basic block layers do not chain: conv1 {conv1.InChannels}→{conv1.OutChannels}, bn1 {bn1.Channels}, conv2 {conv2.InChannels}→{conv2.OutChannels}, bn2 {bn2.Channels}");
        if (shortcut is null && (conv1.InChannels != bn2.Channels || conv1.Stride != 1))
            throw new ArgumentException($"an identity shortcut needs stride 1 and as many output channels as inputs, got stride {conv1.Stride}, {conv1.InChannels}→{bn2.Channels}");
        Conv1 = AddModule("conv1", conv1);
        Bn1 = AddModule("bn1", bn1);
        Conv2 = AddModule("conv2", conv2);
        Bn2 = AddModule("bn2", bn2);
        if (shortcut is not null) Shortcut = AddModule("shortcut", shortcut);
    }

    /// <summary>A new block; <paramref name="projection"/> chooses the conv1x1 + BN shortcut.</summary>
    public static BasicBlock Create(IBackend backend, int inChannels, int midChannels, int outChannels, int stride, bool projection, SeededRandom rng)
    {
        var shortcut = projection
            ? new Sequential(Conv2d.Create(backend, inChannels, outChannels, 1, stride, 0, false, rng), BatchNorm2d.Create(backend, outChannels))
            : null;
        return new BasicBlock(
            Conv2d.Create(backend, inChannels, midChannels, 3, stride, 1, false, rng),
            BatchNorm2d.Create(backend, midChannels),
            Conv2d.Create(backend, midChannels, outChannels, 3, 1, 1, false, rng),
            BatchNorm2d.Create(backend, outChannels),
            shortcut);
    }

    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }

    /// <summary>The projection (conv1x1, BN), or null for the identity.</summary>
    public Sequential? Shortcut { get; }

    protected override Tensor Forward(Tensor x)
    {
        var y = Ops.Relu(Bn1.Call(Conv1.Call(x)));
        y = Bn2.Call(Conv2.Call(y));
        var skip = Shortcut is null ? x : Shortcut.Call(x);
        return Ops.Relu(Ops.Add(y, skip));
    }
}
