using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Cpu;

/// <summary>IndexSelect / IndexAdd along any dimension and dtype (what pruning slices weights with).</summary>
public class CpuIndexingTests
{
    // t[i, j, k] = 100·i + 10·j + k, shape [2, 3, 4]
    private static float[] Cube() =>
        Enumerable.Range(0, 24).Select(f => (float)(100 * (f / 12) + 10 * (f / 4 % 3) + f % 4)).ToArray();

    [TestCase(0, new[] { 1 }, new[] { 1, 3, 4 })]
    [TestCase(1, new[] { 2, 0 }, new[] { 2, 2, 4 })]
    [TestCase(2, new[] { 3, 3, 1 }, new[] { 2, 3, 3 })]
    [TestCase(-1, new[] { 0 }, new[] { 2, 3, 1 })]
    public void SelectGathersTheIndexedEntries(int dim, int[] indices, int[] expectedShape)
    {
        var be = new CpuBackend();
        var y = be.IndexSelect(be.FromArray(Cube(), [2, 3, 4]), dim, indices);
        Assert.That(y.Shape, Is.EqualTo(expectedShape));
        int d = dim < 0 ? dim + 3 : dim;
        var expected = new List<float>();
        for (int i = 0; i < expectedShape[0]; i++)
        for (int j = 0; j < expectedShape[1]; j++)
        for (int k = 0; k < expectedShape[2]; k++)
        {
            int[] at = [i, j, k];
            at[d] = indices[at[d]];
            expected.Add(100 * at[0] + 10 * at[1] + at[2]);
        }
        Assert.That(y.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void SelectWorksOnIntAndByteTensors()
    {
        var be = new CpuBackend();
        var ints = be.IndexSelect(be.FromArray([1, 2, 3, 4, 5, 6], [3, 2]), 0, [2, 0]);
        Assert.That(ints.ToIntArray(), Is.EqualTo(new[] { 5, 6, 1, 2 }));
        var bytes = be.IndexSelect(be.FromArray(new byte[] { 1, 2, 3, 4, 5, 6 }, [2, 3]), 1, [1]);
        Assert.That(bytes.DType, Is.EqualTo(DType.UInt8));
        Assert.That(bytes.Span<byte>().ToArray(), Is.EqualTo(new byte[] { 2, 5 }));
    }

    [Test]
    public void AddScattersBackAndAccumulatesRepeatedIndices()
    {
        var be = new CpuBackend();
        var dst = be.FromArray([1f, 1f, 1f, 1f, 1f, 1f], [2, 3]);
        // Columns 2, 0, 2 of dst receive src's columns 0, 1, 2.
        be.IndexAdd(dst, 1, [2, 0, 2], be.FromArray([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]));
        Assert.That(dst.ToArray(), Is.EqualTo(new[] { 3f, 1f, 5f, 6f, 1f, 11f }));
        var ints = be.FromArray([10, 20, 30], [3]);
        be.IndexAdd(ints, 0, [1, 1], be.FromArray([1, 2], [2]));
        Assert.That(ints.ToIntArray(), Is.EqualTo(new[] { 10, 23, 30 }));
    }

    [Test]
    public void BadIndicesAndDimensionsAreRejected()
    {
        var be = new CpuBackend();
        var t = be.Zeros([2, 3]);
        Assert.That(Assert.Throws<ArgumentException>(() => be.IndexSelect(t, 1, [3]))!.Message, Does.Contain("index 3 is outside [0, 3)"));
        Assert.Throws<ArgumentOutOfRangeException>(() => be.IndexSelect(t, 2, [0]));
        Assert.That(Assert.Throws<ArgumentException>(() => be.IndexAdd(t, 0, [0], be.Zeros([2, 3])))!.Message, Does.Contain("expected shape [1,3]"));
    }
}
