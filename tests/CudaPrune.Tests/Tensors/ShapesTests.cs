using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Tensors;

public class ShapesTests
{
    [Test]
    public void ResolveFillsTheSingleUnknownDimension()
    {
        Assert.That(Shapes.Resolve([2, -1], 2 * 3 * 4), Is.EqualTo(new[] { 2, 12 }));
    }

    [Test]
    public void ResolveRejectsAShapeOfAnotherSize()
    {
        Assert.Throws<ArgumentException>(() => Shapes.Resolve([5, -1], 12));
        Assert.Throws<ArgumentException>(() => Shapes.Resolve([3, 3], 12));
    }
}
