using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class BalancedSubsetTests
{
    // Class c has 20 + 3c images, interleaved.
    private static readonly int[] Labels = Enumerable.Range(0, Cifar10.ClassCount)
        .SelectMany(c => Enumerable.Repeat(c, 20 + 3 * c)).OrderBy(l => l * 7919 % 13).ThenBy(l => l).ToArray();

    [Test]
    public void EveryClassGetsItsShare()
    {
        var indices = BalancedSubset.Indices(Labels, 123, seed: 7);
        var perClass = indices.GroupBy(i => Labels[i]).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();
        Assert.That(perClass, Is.EqualTo(new[] { 13, 13, 13, 12, 12, 12, 12, 12, 12, 12 }));
        Assert.That(indices, Is.Ordered.And.Unique);
    }

    [Test]
    public void SameSeedSameSubset()
    {
        var first = BalancedSubset.Indices(Labels, 50, seed: 1);
        Assert.That(BalancedSubset.Indices(Labels, 50, seed: 1), Is.EqualTo(first));
        Assert.That(BalancedSubset.Indices(Labels, 50, seed: 2), Is.Not.EqualTo(first));
    }

    [Test]
    public void SubsetDatasetHoldsTheChosenImages()
    {
        var images = new byte[Labels.Length * Cifar10.ImageBytes];
        for (int i = 0; i < Labels.Length; i++)
            images[i * Cifar10.ImageBytes] = (byte)i;
        var data = new CifarDataset(images, Labels);
        var indices = BalancedSubset.Indices(Labels, 30, seed: 4);
        var subset = BalancedSubset.Of(data, 30, seed: 4);
        Assert.That(subset.CountPerClass(), Is.All.EqualTo(3));
        Assert.That(Enumerable.Range(0, 30).Select(i => subset.Images[i * Cifar10.ImageBytes]), Is.EqualTo(indices.Select(i => (byte)i)));
        Assert.That(subset.Labels, Is.EqualTo(indices.Select(i => Labels[i])));
    }

    [Test]
    public void ImpossibleSizesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BalancedSubset.Indices(Labels, 0, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BalancedSubset.Indices(Labels, Labels.Length + 1, seed: 1));
        var error = Assert.Throws<ArgumentException>(() => BalancedSubset.Indices(Labels, 250, seed: 1));
        Assert.That(error.Message, Does.Contain("airplane"));
    }
}
