using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>2-D convolution with a square kernel: weight [OC,C,K,K], optional bias [OC].</summary>
public sealed class Conv2d : Module
{
    /// <summary>Wraps existing tensors (taking ownership); the channel counts and kernel size come from the weight's shape.</summary>
    public Conv2d(Tensor weight, Tensor? bias, int stride, int padding)
    {
        if (weight.Rank != 4 || weight.Dim(2) != weight.Dim(3))
            throw new ArgumentException($"conv2d weight must be [OC,C,K,K] with a square kernel, got {weight.Describe()}");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != weight.Dim(0)))
            throw new ArgumentException($"conv2d bias {bias.Describe()} does not match {weight.Dim(0)} output channels");
        if (stride <= 0 || padding < 0) throw new ArgumentException($"conv2d needs stride > 0 and padding >= 0, got stride {stride}, padding {padding}");
        Stride = stride;
        Padding = padding;
        Weight = AddParameter("weight", weight);
        if (bias is not null) Bias = AddParameter("bias", bias);
    }

    /// <summary>A new layer: Kaiming-normal weight (fan_out, ReLU gain); a zero bias, as torchvision's CNNs start.</summary>
    public static Conv2d Create(IBackend backend, int inChannels, int outChannels, int kernel, int stride, int padding, bool bias, SeededRandom rng)
    {
        int[] shape = [outChannels, inChannels, kernel, kernel];
        var w = LongLived.FromArray(backend, WeightInit.KaimingNormalFanOut(shape, rng), shape);
        var b = bias ? LongLived.FromArray(backend, new float[outChannels], [outChannels]) : null;
        return new Conv2d(w, b, stride, padding);
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int InChannels => Weight.Dim(1);
    public int OutChannels => Weight.Dim(0);
    public int KernelSize => Weight.Dim(2);

    protected override Tensor Forward(Tensor x) => Ops.Conv2d(x, Weight, Bias, Stride, Padding);
}
