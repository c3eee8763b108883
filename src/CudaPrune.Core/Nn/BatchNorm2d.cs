using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>
/// Batch normalisation over the channels of NCHW input: weight (gamma) and bias (beta) are parameters,
/// running_mean and running_var are buffers updated in training mode. PyTorch's defaults: momentum 0.1, eps 1e-5.
/// </summary>
public sealed class BatchNorm2d : Module
{
    public const float DefaultMomentum = 0.1f;
    public const float DefaultEps = 1e-5f;

    /// <summary>Wraps existing tensors (taking ownership), all [C].</summary>
    public BatchNorm2d(Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
        float momentum = DefaultMomentum, float eps = DefaultEps)
    {
        int c = weight.Dim(0);
        foreach (var t in new[] { weight, bias, runningMean, runningVar })
            if (t.Rank != 1 || t.Dim(0) != c)
                throw new ArgumentException($"batch_norm2d tensors must all be [{c}], got {t.Describe()}");
        Momentum = momentum;
        Eps = eps;
        Weight = AddParameter("weight", weight);
        Bias = AddParameter("bias", bias);
        RunningMean = AddBuffer("running_mean", runningMean);
        RunningVar = AddBuffer("running_var", runningVar);
    }

    /// <summary>A new layer: gamma 1, beta 0, running mean 0, running variance 1.</summary>
    public static BatchNorm2d Create(IBackend backend, int channels) => new(
        LongLived.FromArray(backend, WeightInit.Constant(channels, 1f), [channels]),
        LongLived.FromArray(backend, WeightInit.Constant(channels, 0f), [channels]),
        LongLived.FromArray(backend, WeightInit.Constant(channels, 0f), [channels]),
        LongLived.FromArray(backend, WeightInit.Constant(channels, 1f), [channels]));

    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public float Momentum { get; }
    public float Eps { get; }
    public int Channels => Weight.Dim(0);

    protected override Tensor Forward(Tensor x) =>
        Ops.BatchNorm2d(x, Weight, Bias, RunningMean, RunningVar, IsTraining, Momentum, Eps);
}
