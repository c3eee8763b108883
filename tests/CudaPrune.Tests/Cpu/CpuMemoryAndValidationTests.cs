using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Cpu;

/// <summary>Tensor creation and copies, and the errors bad arguments get (naming the op, the tensor, expected and actual).</summary>
public class CpuMemoryAndValidationTests
{
    [Test]
    public void CreationAndCopies()
    {
        var be = new CpuBackend();
        var source = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var t = be.FromArray(source, [2, 3]);
        source[0] = 99f; // FromArray copies
        Assert.That(t.ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f, 4f, 5f, 6f }));
        Assert.That(be.Zeros([2, 2]).ToArray(), Is.All.Zero);
        Assert.That(be.Zeros([3], DType.Int32).ToIntArray(), Is.EqualTo(new[] { 0, 0, 0 }));
        var e = be.Empty([4]);
        be.Fill(e, 2.5f);
        Assert.That(e.ToArray(), Is.All.EqualTo(2.5f));
        var copy = be.Empty([3, 2]);
        be.Copy(t, copy);
        Assert.That(copy.ToArray(), Is.EqualTo(t.ToArray()));
        Assert.That(copy.Shape, Is.EqualTo(new[] { 3, 2 }));
    }

    [Test]
    public void DisposedLargeArraysAreReusedAndZerosAreCleared()
    {
        var be = new CpuBackend();
        const int large = 1 << 15, small = 100;
        var first = be.Zeros([large]);
        be.Fill(first, 5f);
        var firstArray = ((CpuStorage)first.Storage).Data;
        first.Dispose();
        var second = be.Zeros([large]);
        Assert.That(((CpuStorage)second.Storage).Data, Is.SameAs(firstArray), "a disposed large array is recycled");
        Assert.That(second.ToArray(), Is.All.Zero, "Zeros clears a recycled array");
        var third = be.Empty([large]);
        Assert.That(((CpuStorage)third.Storage).Data, Is.Not.SameAs(firstArray), "an array in use is never handed out twice");

        var tiny = be.Zeros([small]);
        var tinyArray = ((CpuStorage)tiny.Storage).Data;
        tiny.Dispose();
        Assert.That(((CpuStorage)be.Zeros([small]).Storage).Data, Is.Not.SameAs(tinyArray), "small arrays are left to the GC");
    }

    [Test]
    public void ShapeMismatchNamesTheTensorAndBothShapes()
    {
        var be = new CpuBackend();
        var g = new Conv2dGeometry(N: 1, C: 3, H: 5, W: 5, OC: 4, K: 3, Stride: 1, Padding: 1);
        var ex = Assert.Throws<ArgumentException>(() => be.Conv2dForward(be.Zeros(g.InputShape), be.Zeros([4, 2, 3, 3]), null, g));
        Assert.That(ex!.Message, Does.Contain("Conv2dForward weight").And.Contain("[4,3,3,3]").And.Contain("[4,2,3,3]"));
    }

    [Test]
    public void WrongDTypeIsRejected()
    {
        var be = new CpuBackend();
        var ex = Assert.Throws<ArgumentException>(() => be.ReluForward(be.Zeros([3], DType.Int32)));
        Assert.That(ex!.Message, Does.Contain("ReluForward input").And.Contain("Float32").And.Contain("Int32"));
        Assert.Throws<ArgumentException>(() => be.Copy(be.Zeros([3]), be.Zeros([3], DType.Int32)));
        Assert.Throws<ArgumentException>(() => be.FromArray([1f, 2f], [3]));
    }

    [Test]
    public void TensorsOfAnotherBackendAreRejected()
    {
        var a = new CpuBackend();
        var b = new CpuBackend();
        var ex = Assert.Throws<ArgumentException>(() => a.Add(a.Zeros([2]), b.Zeros([2])));
        Assert.That(ex!.Message, Does.Contain("Add b").And.Contain("not on this backend"));
    }

    [Test]
    public void GemmChecksOperandSizes()
    {
        var be = new CpuBackend();
        var ex = Assert.Throws<ArgumentException>(() => be.Gemm(false, true, 2, 3, 4, 1f, be.Zeros([2, 4]), be.Zeros([4, 4]), 0f, be.Zeros([2, 3])));
        Assert.That(ex!.Message, Does.Contain("Gemm B ([3,4])").And.Contain("expected 12 elements"));
    }

    [Test]
    public void DisposedTensorsAreRejected()
    {
        var be = new CpuBackend();
        var t = be.Zeros([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => be.ReluForward(t));
    }

    [Test]
    public void InvalidGeometryIsRejected()
    {
        var be = new CpuBackend();
        var g = new Conv2dGeometry(N: 1, C: 1, H: 2, W: 2, OC: 1, K: 5, Stride: 1, Padding: 0);
        Assert.Throws<ArgumentException>(() => be.Conv2dForward(be.Zeros(g.InputShape), be.Zeros(g.WeightShape), null, g));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CpuBackend(vectorBits: 128));
    }
}
