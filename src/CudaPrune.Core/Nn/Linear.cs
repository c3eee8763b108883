using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>Fully connected layer y = x·Wᵀ + b: weight [OUT,IN] (PyTorch's layout), optional bias [OUT].</summary>
public sealed class Linear : Module
{
    /// <summary>Wraps existing tensors (taking ownership).</summary>
    public Linear(Tensor weight, Tensor? bias)
    {
        if (weight.Rank != 2) throw new ArgumentException($"linear weight must be [OUT,IN], got {weight.Describe()}");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != weight.Dim(0)))
            throw new ArgumentException($"linear bias {bias.Describe()} does not match {weight.Dim(0)} outputs");
        Weight = AddParameter("weight", weight);
        if (bias is not null) Bias = AddParameter("bias", bias);
    }

    /// <summary>A new layer initialised as PyTorch's nn.Linear: weight and bias U(-1/√IN, 1/√IN).</summary>
    public static Linear Create(IBackend backend, int inFeatures, int outFeatures, bool bias, SeededRandom rng)
    {
        var w = LongLived.FromArray(backend, WeightInit.UniformFanIn(outFeatures * inFeatures, inFeatures, rng), [outFeatures, inFeatures]);
        var b = bias ? LongLived.FromArray(backend, WeightInit.UniformFanIn(outFeatures, inFeatures, rng), [outFeatures]) : null;
        return new Linear(w, b);
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int InFeatures => Weight.Dim(1);
    public int OutFeatures => Weight.Dim(0);

    protected override Tensor Forward(Tensor x) => Ops.Linear(x, Weight, Bias);
}
