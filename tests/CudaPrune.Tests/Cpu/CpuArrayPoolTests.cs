using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

public class CpuArrayPoolTests
{
    private const int A = CpuArrayPool.MinLength;
    private const int B = CpuArrayPool.MinLength + 1;
    private const int C = CpuArrayPool.MinLength + 2;

    [Test]
    public void ADisposedArrayIsHandedOutAgainForTheSameLength()
    {
        var pool = new CpuArrayPool(capacityBytes: 1L << 30);
        var (first, release) = pool.Rent<float>(A, zeroed: false);
        release!(first);
        var (second, _) = pool.Rent<float>(A, zeroed: true);
        Assert.That(second, Is.SameAs(first));
        Assert.That(second.All(v => v == 0f), Is.True, "a zeroed rent of a recycled array is cleared");
    }

    [Test]
    public void WhenFullTheLeastRecentlyUsedLengthIsEvicted()
    {
        // Room for two arrays: A is returned first, then B, then C must push one out.
        var pool = new CpuArrayPool(capacityBytes: 4L * (B + C));
        var (a, release) = pool.Rent<float>(A, false);
        var (b, _) = pool.Rent<float>(B, false);
        var (c, _) = pool.Rent<float>(C, false);
        release!(a);
        release(b);
        release(c);

        Assert.That(pool.PooledBytes, Is.EqualTo(4L * (B + C)));
        Assert.That(pool.Rent<float>(A, false).Array, Is.Not.SameAs(a), "A was least recently used: evicted");
        Assert.That(pool.Rent<float>(B, false).Array, Is.SameAs(b));
        Assert.That(pool.Rent<float>(C, false).Array, Is.SameAs(c));
    }

    [Test]
    public void SmallArraysBypassThePool()
    {
        var pool = new CpuArrayPool(capacityBytes: 1L << 30);
        var (array, release) = pool.Rent<float>(CpuArrayPool.MinLength - 1, false);
        Assert.That(release, Is.Null);
        Assert.That(array, Has.Length.EqualTo(CpuArrayPool.MinLength - 1));
    }
}
