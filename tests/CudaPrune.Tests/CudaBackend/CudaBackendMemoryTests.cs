using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>The caching allocator under real op traffic: steady-state steps never reach the device allocator, and the byte counters add up.</summary>
[Category("Emulated")]
public class CudaBackendMemoryTests
{
    [Test]
    public void ASecondIdenticalStepCallsTheDeviceAllocatorZeroTimes()
    {
        CountingGpu? gpu = null;
        using var backend = EmulatedDevice.OpenBackend(g => gpu = new CountingGpu(g));
        using var net = new TrainingStepFixture(backend);
        net.Step();
        int afterFirst = gpu!.Allocations;
        long cachedAfterFirst = backend.Allocator.DeviceAllocations;

        net.Step();

        Assert.That(afterFirst, Is.GreaterThan(0), "the first step allocates (else this test proves nothing)");
        Assert.That(gpu.Allocations, Is.EqualTo(afterFirst), "device allocations during the second step");
        Assert.That(backend.Allocator.DeviceAllocations, Is.EqualTo(cachedAfterFirst));
    }

    [Test]
    public void AStepReturnsEveryTemporaryAndPeakRecordsTheHighestLevel()
    {
        using var backend = EmulatedDevice.OpenBackend();
        using var net = new TrainingStepFixture(backend);
        long before = backend.Allocator.CurrentBytes;
        backend.Allocator.ResetPeak();

        net.Step();

        Assert.That(backend.Allocator.CurrentBytes, Is.EqualTo(before), "bytes in use after the step's scope closed");
        Assert.That(backend.Allocator.PeakBytes, Is.GreaterThan(before), "the step's temporaries raised the peak");
        Assert.That(backend.Allocator.ReservedBytes, Is.EqualTo(backend.Allocator.CurrentBytes + backend.Allocator.CachedBytes));
    }

    [Test]
    public void CurrentAndPeakBytesFollowTheSizeClassesOfLiveTensors()
    {
        using var backend = EmulatedDevice.OpenBackend();
        var allocator = backend.Allocator;
        long start = allocator.CurrentBytes;
        allocator.ResetPeak();

        var small = backend.Empty([1000]);          // 4000 B → the 4 KiB class
        var large = backend.Empty([300_000]);       // 1.2 MB → the 2 MiB class
        long both = allocator.CurrentBytes;
        small.Dispose();

        Assert.That(both - start, Is.EqualTo(4096 + (2L << 20)));
        Assert.That(allocator.CurrentBytes - start, Is.EqualTo(2L << 20));
        Assert.That(allocator.PeakBytes, Is.EqualTo(both));
        large.Dispose();
        Assert.That(allocator.CurrentBytes, Is.EqualTo(start));
        Assert.That(CachingAllocator.SizeClass(4000), Is.EqualTo(4096));
    }
}
