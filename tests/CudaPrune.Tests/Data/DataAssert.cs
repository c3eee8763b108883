using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

internal static class DataAssert
{
    public static void Identical(CifarDataset actual, CifarDataset expected)
    {
        Assert.That(actual.Count, Is.EqualTo(expected.Count));
        Assert.That(actual.Labels, Is.EqualTo(expected.Labels));
        Assert.That(actual.Images.AsSpan().SequenceEqual(expected.Images), Is.True, "pixels differ");
    }
}
