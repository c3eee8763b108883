using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Autograd;

/// <summary>Finite-difference gradient checks of every differentiable op in <see cref="Ops"/>, on the fast CPU backend and on the reference.</summary>
[TestFixture(true)]
[TestFixture(false)]
public class OpGradientTests(bool useFastPaths)
{
    private readonly CpuBackend _be = new(useFastPaths);
    private readonly Random _random = new(50);

    private Tensor Param(params int[] shape) => Param(-1f, 1f, shape);

    private Tensor Param(float low, float high, int[] shape)
    {
        var data = new float[Shapes.Count(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = low + (high - low) * _random.NextSingle();
        return _be.FromArray(data, shape);
    }

    /// <summary>Distinct values at least 0.05 apart (a shuffled grid): no ties for max pooling within ±ε = 0.01.</summary>
    private Tensor Distinct(params int[] shape)
    {
        var data = Enumerable.Range(0, (int)Shapes.Count(shape)).Select(i => 0.05f * i - 1f).ToArray();
        _random.Shuffle(data);
        return _be.FromArray(data, shape);
    }

    [Test]
    public void Conv2dWithBias()
    {
        Tensor x = Param(2, 3, 6, 5), w = Param(4, 3, 3, 3), b = Param(4);
        GradientCheck.Check(() => Ops.Conv2d(x, w, b, stride: 1, padding: 1), [x, w, b]);
    }

    [Test]
    public void Conv2dStride2Padding1WithoutBias()
    {
        Tensor x = Param(2, 2, 7, 6), w = Param(3, 2, 3, 3);
        GradientCheck.Check(() => Ops.Conv2d(x, w, null, stride: 2, padding: 1), [x, w]);
    }

    [Test]
    public void Conv2dStride2NoPaddingWithBias()
    {
        Tensor x = Param(1, 3, 6, 6), w = Param(5, 3, 2, 2), b = Param(5);
        GradientCheck.Check(() => Ops.Conv2d(x, w, b, stride: 2, padding: 0), [x, w, b]);
    }

    [Test]
    public void Conv2dBiasOnlyTrained()
    {
        // Only the bias requires grad: the weight gradient goes to a scratch buffer.
        Tensor x = Param(2, 2, 4, 4), w = Param(3, 2, 3, 3), b = Param(3);
        GradientCheck.Check(() => Ops.Conv2d(x, w, b, stride: 1, padding: 0), [b]);
        Assert.That(w.Grad, Is.Null);
    }

    [Test]
    public void LinearWithBias()
    {
        Tensor x = Param(3, 7), w = Param(4, 7), b = Param(4);
        GradientCheck.Check(() => Ops.Linear(x, w, b), [x, w, b]);
    }

    [Test]
    public void LinearWithoutBias()
    {
        Tensor x = Param(5, 3), w = Param(2, 3);
        GradientCheck.Check(() => Ops.Linear(x, w, null), [x, w]);
    }

    [Test]
    public void ReluAwayFromTheKink()
    {
        // |x| ≥ 0.1 > ε: no entry crosses zero when perturbed.
        var data = Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? 1f : -1f) * (0.1f + 0.9f * _random.NextSingle())).ToArray();
        var x = _be.FromArray(data, [3, 4, 5]);
        GradientCheck.Check(() => Ops.Relu(x), [x]);
    }

    [Test]
    public void AddOfTwoTensors()
    {
        Tensor a = Param(2, 3, 4), b = Param(2, 3, 4);
        GradientCheck.Check(() => Ops.Add(a, b), [a, b]);
    }

    [Test]
    public void AddOfATensorToItselfAccumulatesTwice()
    {
        var a = Param(2, 5);
        GradientCheck.Check(() => Ops.Add(a, a), [a]);
    }

    [Test]
    public void MaxPool2dWithoutTies()
    {
        var x = Distinct(2, 3, 6, 6);
        GradientCheck.Check(() => Ops.MaxPool2d(x, kernel: 2, stride: 2), [x]);
    }

    [Test]
    public void MaxPool2dOverlappingPadded()
    {
        var x = Distinct(1, 2, 7, 7);
        GradientCheck.Check(() => Ops.MaxPool2d(x, kernel: 3, stride: 2, padding: 1), [x]);
    }

    [Test]
    public void AvgPool2d()
    {
        var x = Param(2, 3, 6, 6);
        GradientCheck.Check(() => Ops.AvgPool2d(x, kernel: 2, stride: 2), [x]);
    }

    [Test]
    public void AvgPool2dOverlappingPadded()
    {
        var x = Param(1, 2, 7, 5);
        GradientCheck.Check(() => Ops.AvgPool2d(x, kernel: 3, stride: 2, padding: 1), [x]);
    }

    [Test]
    public void GlobalAvgPool()
    {
        var x = Param(2, 3, 4, 5);
        GradientCheck.Check(() => Ops.GlobalAvgPool(x), [x]);
    }

    [Test]
    public void BatchNorm2dTrainingMode()
    {
        Tensor x = Param(3, 4, 3, 5), gamma = Param(0.5f, 1.5f, [4]), beta = Param(4);
        Tensor runningMean = _be.Zeros([4]), runningVar = _be.FromArray([1f, 1f, 1f, 1f], [4]);
        GradientCheck.Check(() => Ops.BatchNorm2d(x, gamma, beta, runningMean, runningVar, training: true, momentum: 0.1f, eps: 1e-5f),
            [x, gamma, beta]);
    }

    [Test]
    public void CrossEntropy()
    {
        var logits = Param(-2f, 2f, [5, 4]);
        var labels = _be.FromArray([0, 3, 1, 1, 2], [5]);
        GradientCheck.Check(() => Ops.CrossEntropy(logits, labels), [logits]);
    }

    [Test]
    public void CrossEntropyWithLabelSmoothing()
    {
        var logits = Param(-2f, 2f, [4, 3]);
        var labels = _be.FromArray([2, 0, 1, 2], [4]);
        GradientCheck.Check(() => Ops.CrossEntropy(logits, labels, labelSmoothing: 0.1f), [logits]);
    }

    [Test]
    public void ReshapeAndFlattenCarryTheGradient()
    {
        Tensor x = Param(2, 3, 2, 2), w = Param(5, 12);
        GradientCheck.Check(() => Ops.Linear(Ops.Flatten(x), w, null), [x, w]);
        var y = Param(2, 6);
        GradientCheck.Check(() => Ops.Reshape(y, [3, 4]), [y]);
    }

    [Test]
    public void IndexSelectWithRepeatedIndices()
    {
        var x = Param(2, 4, 3);
        GradientCheck.Check(() => Ops.IndexSelect(x, 1, [3, 0, 3]), [x]);
    }
}
