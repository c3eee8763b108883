using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// A training step of a tiny network made only of this family's ops (batch norm → ReLU → max pooling →
/// global pooling as logits → cross-entropy, backward through all of them, SGD on gamma and beta), on any
/// backend, with its parameters and data created once.
/// </summary>
internal sealed class TrainingStepFixture : IDisposable
{
    private const int N = 4, C = 3, H = 8, W = 8;
    private static readonly Pool2dGeometry Pool = new(N, C, H, W, 2, 2, 0);
    private static readonly SgdParameters Sgd = new(0.1f, 0.9f, 5e-4f, Nesterov: false);

    private readonly IBackend _be;
    private readonly Tensor _x, _labels, _gamma, _beta, _runningMean, _runningVar, _dgamma, _dbeta, _gammaMomentum, _betaMomentum;

    public TrainingStepFixture(IBackend backend)
    {
        _be = backend;
        using var _ = DisposeScope.Suspend();
        _x = backend.FromArray(Floats(N * C * H * W, 1), [N, C, H, W]);
        _labels = backend.FromArray(new[] { 0, 2, 1, 2 }, [N]);
        _gamma = backend.FromArray(Floats(C, 2), [C]);
        _beta = backend.FromArray(Floats(C, 3), [C]);
        _runningMean = backend.Zeros([C]);
        _runningVar = backend.FromArray([1f, 1f, 1f], [C]);
        _dgamma = backend.Zeros([C]);
        _dbeta = backend.Zeros([C]);
        _gammaMomentum = backend.Zeros([C]);
        _betaMomentum = backend.Zeros([C]);
    }

    /// <summary>One step; every temporary is freed when it returns. Nothing is read back.</summary>
    public void Step()
    {
        using var scope = DisposeScope.Begin();
        var be = _be;
        var bn = be.BatchNormTrainForward(_x, _gamma, _beta, _runningMean, _runningVar, 0.1f, 1e-5f, out var mean, out var invStd);
        var relu = be.ReluForward(bn);
        var pooled = be.MaxPool2dForward(relu, Pool, out var argmax);
        var logits = be.GlobalAvgPoolForward(pooled);
        be.SoftmaxCrossEntropyForward(logits, _labels, 0.1f, out var probs);

        var dlogits = be.Zeros([N, C]);
        be.SoftmaxCrossEntropyBackward(probs, _labels, 0.1f, 1f / N, dlogits);
        var dpooled = be.Zeros(Pool.OutputShape);
        be.GlobalAvgPoolBackward(dlogits, dpooled);
        var drelu = be.Zeros(Pool.InputShape);
        be.MaxPool2dBackward(dpooled, argmax, drelu, Pool);
        var dbn = be.Zeros(Pool.InputShape);
        be.ReluBackward(drelu, relu, dbn);
        var dx = be.Zeros(Pool.InputShape);
        be.Fill(_dgamma, 0f);
        be.Fill(_dbeta, 0f);
        be.BatchNormBackward(dbn, _x, _gamma, mean, invStd, dx, _dgamma, _dbeta);
        be.AddL1Subgradient(_dgamma, _gamma, 1e-4f);
        be.SgdStep(_gamma, _dgamma, _gammaMomentum, Sgd);
        be.SgdStep(_beta, _dbeta, _betaMomentum, Sgd);
        be.IndexSelect(_gamma, 0, [2, 0]);
    }

    /// <summary>The parameters after the steps so far (reads back: waits for the device).</summary>
    public float[] Parameters() => [.. _gamma.ToArray(), .. _beta.ToArray(), .. _runningMean.ToArray(), .. _runningVar.ToArray()];

    public void Dispose()
    {
        foreach (var t in new[] { _x, _labels, _gamma, _beta, _runningMean, _runningVar, _dgamma, _dbeta, _gammaMomentum, _betaMomentum }) t.Dispose();
    }

    private static float[] Floats(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextSingle() * 2 - 1).ToArray();
    }
}
