using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Tests.Cuda;

namespace CudaPrune.Tests.Profiling;

/// <summary>The caching allocator's hold, which keeps the blocks a captured graph replays into from being handed out again.</summary>
public class AllocatorHoldTests
{
    [Test]
    public void BlocksReturnedWhileCollectingAreNotReusedUntilTheHoldIsDisposed()
    {
        using var gpu = new HostMemoryGpu();
        using var allocator = new CachingAllocator(gpu);
        var captured = allocator.Allocate(1000);
        var capturedPtr = captured.Ptr;

        var hold = allocator.Hold();
        captured.Dispose(); // freed during the capture: parked
        var during = allocator.Allocate(1000);
        hold.StopCollecting();
        var duringPtr = during.Ptr;
        during.Dispose(); // freed after the capture: cached as usual
        var after = allocator.Allocate(1000);

        Assert.That(duringPtr, Is.Not.EqualTo(capturedPtr), "a parked block is not handed out");
        Assert.That(after.Ptr, Is.EqualTo(duringPtr), "blocks returned after StopCollecting are reused");
        Assert.That(hold.ParkedBytes, Is.EqualTo(CachingAllocator.SizeClass(1000)));
        Assert.That(allocator.CurrentBytes, Is.EqualTo(2 * CachingAllocator.SizeClass(1000)), "a parked block still counts as in use");

        hold.Dispose();
        var reused = allocator.Allocate(1000);

        Assert.That(reused.Ptr, Is.EqualTo(capturedPtr), "disposing the hold gives the parked block back to the cache");
        Assert.That(hold.ParkedBytes, Is.Zero);
        after.Dispose();
        reused.Dispose();
        Assert.That(allocator.CurrentBytes, Is.Zero);
    }

    [Test]
    public void OnlyOneHoldCollectsAtATime()
    {
        using var gpu = new HostMemoryGpu();
        using var allocator = new CachingAllocator(gpu);
        using var first = allocator.Hold();

        Assert.That(() => allocator.Hold(), Throws.InvalidOperationException);
        first.StopCollecting();
        Assert.That(() => allocator.Hold().Dispose(), Throws.Nothing);
    }
}
