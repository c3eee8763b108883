using System.Runtime.InteropServices;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

/// <summary>
/// The staging pool's policy on a fake device whose copies run only when the test says: an upload returns
/// before its copy runs, a buffer is reused only once its copy is done (queried, not waited for), and only an
/// exhausted pool waits — for the oldest buffer, counted. Every copy reads its buffer late, so a buffer reused
/// too early would show as wrong data.
/// </summary>
public class StagingPoolTests
{
    private const int K = 1024;
    private const long SmallCapacity = 4 * StagingPool.MinBufferBytes; // 256 KiB: four 64 KiB buffers

    private FakeStagingDriver _driver = null!;

    [SetUp]
    public void CreateDriver() => _driver = new FakeStagingDriver();

    [TearDown]
    public void DisposeDriver() => _driver.Dispose();

    private static byte[] Pattern(int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    // "Device" memory: a pinned array, so its address stays put.
    private static (byte[] Memory, DevicePtr Ptr) Device(int bytes)
    {
        var memory = GC.AllocateArray<byte>(bytes, pinned: true);
        return (memory, new DevicePtr((ulong)Marshal.UnsafeAddrOfPinnedArrayElement(memory, 0)));
    }

    [Test]
    public void AnUploadReturnsBeforeItsCopyRunsAndTheHostBufferMayBeReusedAtOnce()
    {
        using var pool = new StagingPool(_driver, SmallCapacity);
        var (device, ptr) = Device(1000);
        var host = Pattern(1000, 1);
        var expected = (byte[])host.Clone();

        pool.Upload(ptr, host);
        Array.Clear(host); // the contract: the host buffer may be reused on return

        Assert.That(_driver.Queued, Is.EqualTo(2), "the copy and its event are queued, not run");
        Assert.That(device, Is.All.EqualTo(0));
        _driver.RunAll();
        Assert.That(device, Is.EqualTo(expected));
        Assert.That((_driver.Waits, pool.HostWaits), Is.EqualTo((0, 0L)));
    }

    [Test]
    public void ABufferIsReusedOnlyOnceItsCopyIsDone()
    {
        using var pool = new StagingPool(_driver, SmallCapacity);
        var (device, ptr) = Device(3 * K);

        pool.Upload(ptr, Pattern(K, 1));
        pool.Upload(ptr.Offset(K), Pattern(K, 2)); // the first copy has not run: a second buffer
        Assert.That((pool.BufferCount, _driver.Allocations), Is.EqualTo((2, 2)));
        _driver.RunAll();
        pool.Upload(ptr.Offset(2 * K), Pattern(K, 3)); // both done: one of them again
        _driver.RunAll();

        Assert.That((pool.BufferCount, _driver.Allocations), Is.EqualTo((2, 2)));
        Assert.That(device, Is.EqualTo(Pattern(K, 1).Concat(Pattern(K, 2)).Concat(Pattern(K, 3)).ToArray()));
        Assert.That(_driver.Waits, Is.Zero, "a buffer's copy is queried, never waited for, while the pool has room");
        Assert.That(_driver.Queries, Is.Positive);
    }

    [Test]
    public void AnExhaustedPoolWaitsForTheOldestBufferAndCountsTheWait()
    {
        using var pool = new StagingPool(_driver, SmallCapacity);
        const int piece = 60 * K; // one 64 KiB buffer each
        var (device, ptr) = Device(5 * piece);

        for (int i = 0; i < 4; i++) pool.Upload(ptr.Offset(i * piece), Pattern(piece, i));
        Assert.That((pool.PinnedBytes, _driver.Waits, pool.HostWaits), Is.EqualTo((SmallCapacity, 0, 0L)), "four uploads in flight fill the pool without a wait");

        pool.Upload(ptr.Offset(4 * piece), Pattern(piece, 4));

        Assert.That((_driver.Waits, pool.HostWaits), Is.EqualTo((1, 1L)), "the fifth waits, once, for the oldest");
        Assert.That(_driver.Queued, Is.EqualTo(2 * 4), "the wait let the device run only the first upload");
        Assert.That(pool.PinnedBytes, Is.EqualTo(SmallCapacity));
        _driver.RunAll();
        Assert.That(device, Is.EqualTo(Enumerable.Range(0, 5).SelectMany(i => Pattern(piece, i)).ToArray()));
    }

    [Test]
    public void AnUploadLargerThanTheChunkGoesInPiecesAndArrivesWhole()
    {
        using var pool = new StagingPool(_driver, SmallCapacity);
        int bytes = (int)(10 * pool.ChunkBytes + 123); // more than the whole pool: it must recycle its buffers
        var (device, ptr) = Device(bytes);
        var host = Pattern(bytes, 7);

        pool.Upload(ptr, host);
        _driver.RunAll();

        Assert.That(pool.ChunkBytes, Is.EqualTo(StagingPool.MinBufferBytes));
        Assert.That(device, Is.EqualTo(host));
        Assert.That(pool.PinnedBytes, Is.LessThanOrEqualTo(SmallCapacity));
        Assert.That(pool.HostWaits, Is.EqualTo(11 - 4), "11 pieces through 4 buffers: every piece after the fourth waits");
    }

    [Test]
    public void IdleBuffersTooSmallAreDroppedToMakeRoomForALargerOne()
    {
        using var pool = new StagingPool(_driver, 1L << 20); // 1 MiB: pieces up to 256 KiB
        var (device, ptr) = Device(200 * K);
        for (int i = 0; i < 16; i++) pool.Upload(ptr.Offset(i * K), Pattern(K, i)); // 16 x 64 KiB: the pool is full
        _driver.RunAll();

        pool.Upload(ptr, Pattern(200 * K, 99));
        _driver.RunAll();

        Assert.That(_driver.Waits, Is.Zero, "idle buffers are dropped, not waited for");
        Assert.That(pool.PinnedBytes, Is.EqualTo((1L << 20) - 4 * StagingPool.MinBufferBytes + 256 * K));
        Assert.That(device, Is.EqualTo(Pattern(200 * K, 99)));
    }

    [Test]
    public void DisposeFreesEveryBufferAndEvent()
    {
        var pool = new StagingPool(_driver, SmallCapacity);
        var (_, ptr) = Device(4 * K);
        for (int i = 0; i < 4; i++) pool.Upload(ptr.Offset(i * K), Pattern(K, i));
        _driver.RunAll(); // as CudaGpu drains the stream before disposing the pool

        pool.Dispose();

        Assert.That((_driver.LivePinned, _driver.LiveEvents, pool.PinnedBytes), Is.EqualTo((0, 0, 0L)));
        Assert.That(() => pool.Upload(ptr, new byte[1]), Throws.TypeOf<ObjectDisposedException>());
    }
}
