using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;
using CudaPrune.Tests.Cuda;

namespace CudaPrune.Tests.CudaBackend;

using CudaPrune.Core.Backends.Cuda;

/// <summary>Bad arguments fail before any launch, with a message naming the op, the tensor, the expected and the actual.</summary>
/// <remarks>On a host-memory test device: nothing here reaches a kernel.</remarks>
public class CudaBackendValidationTests
{
    private CudaBackend _be = null!;

    [SetUp]
    public void Open() => _be = new CudaBackend(new HostMemoryGpu());

    [TearDown]
    public void Close() => _be.Dispose();

    [Test]
    public void MismatchedShapesNameTheOpAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => _be.Add(_be.Zeros([2, 3]), _be.Zeros([3, 2])))!;
        Assert.That(e.Message, Does.Contain("Add b").And.Contain("[2,3]").And.Contain("[3,2]"));
    }

    [Test]
    public void ATensorOfAnotherBackendIsRefused()
    {
        using var cpu = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => _be.ReluForward(cpu.Zeros([4])))!;
        Assert.That(e.Message, Does.Contain("ReluForward input").And.Contain("cpu"));
    }

    [Test]
    public void AWrongDtypeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => _be.ReluForward(_be.Zeros([4], DType.Int32)))!;
        Assert.That(e.Message, Does.Contain("must be Float32"));
    }

    [Test]
    public void ADisposedTensorIsRefused()
    {
        var t = _be.Zeros([4]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _be.Scale(t, 2f));
    }

    [Test]
    public void AKernelVersionThatDoesNotExistIsRefused()
    {
        _be.Versions.Set("relu_forward", 3);
        var e = Assert.Throws<ArgumentException>(() => _be.ReluForward(_be.Zeros([4])))!;
        Assert.That(e.Message, Does.Contain("relu_forward").And.Contain("versions are 1 to 2"));
    }

    [Test]
    public void IndexAddRefusesRepeatedIndices()
    {
        var e = Assert.Throws<ArgumentException>(() => _be.IndexAdd(_be.Zeros([4, 3]), 0, [1, 2, 1], _be.Zeros([3, 3])))!;
        Assert.That(e.Message, Does.Contain("index 1 appears more than once"));
    }

    [Test]
    public void IndexSelectRefusesIndicesAndDimensionsOutOfRange()
    {
        var src = _be.Zeros([4, 3]);
        Assert.That(() => _be.IndexSelect(src, 0, [0, 4]), Throws.ArgumentException.With.Message.Contains("index 4 is outside [0, 4)"));
        Assert.That(() => _be.IndexSelect(src, 2, [0]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void BatchNormTrainingNeedsTwoValuesPerChannelAndParametersPerChannel()
    {
        var c3 = _be.Zeros([3]);
        Assert.That(() => _be.BatchNormTrainForward(_be.Zeros([1, 3, 1, 1]), c3, c3, c3, c3, 0.1f, 1e-5f, out _, out _),
            Throws.ArgumentException.With.Message.Contains("one value per channel"));
        Assert.That(() => _be.BatchNormTrainForward(_be.Zeros([2, 3, 2, 2]), _be.Zeros([4]), c3, c3, c3, 0.1f, 1e-5f, out _, out _),
            Throws.ArgumentException.With.Message.Contains("gamma").And.Message.Contains("[3]"));
    }

    [Test]
    public void SgdWithMomentumNeedsABuffer()
    {
        var p = _be.Zeros([5]);
        Assert.Throws<ArgumentNullException>(() => _be.SgdStep(p, _be.Zeros([5]), null, new SgdParameters(0.1f, 0.9f, 0f, false)));
        Assert.Throws<ArgumentException>(() => _be.SgdStep(p, _be.Zeros([5]), null, new SgdParameters(0.1f, 0f, 0f, Nesterov: true)));
    }

    [Test]
    public void LossRefusesSmoothingOutsideItsRangeAndLabelsOfTheWrongShape()
    {
        var logits = _be.Zeros([2, 10]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _be.SoftmaxCrossEntropyForward(logits, _be.Zeros([2], DType.Int32), 1f, out _));
        Assert.That(() => _be.SoftmaxCrossEntropyForward(logits, _be.Zeros([3], DType.Int32), 0f, out _),
            Throws.ArgumentException.With.Message.Contains("labels"));
    }

    [Test]
    public void PoolingChecksItsInputAgainstTheGeometry()
    {
        var g = new Pool2dGeometry(2, 3, 8, 8, 2, 2, 0);
        Assert.That(() => _be.MaxPool2dForward(_be.Zeros([2, 3, 7, 7]), g, out _),
            Throws.ArgumentException.With.Message.Contains("MaxPool2dForward input").And.Message.Contains("[2,3,8,8]"));
    }
}
