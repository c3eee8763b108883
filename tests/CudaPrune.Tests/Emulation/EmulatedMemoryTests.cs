using CudaPrune.Cuda.Emulation;

namespace CudaPrune.Tests.Emulation;

/// <summary>Emulated device memory: poisoned when new, and every copy checked against the live allocations.</summary>
[Category("Emulated")]
public class EmulatedMemoryTests
{
    [Test]
    public void NewMemoryReadsAsNaNNotZero()
    {
        using var gpu = new EmulatedGpu(EmulatorToys.Sources);
        var p = gpu.Allocate(64 * 4);
        Assert.That(gpu.Download<float>(p, 64), Is.All.NaN);
        gpu.Memset32(p.Offset(8 * 4), BitConverter.SingleToUInt32Bits(3f), 8);
        var values = gpu.Download<float>(p, 64);
        Assert.That(values.Skip(8).Take(8), Is.All.EqualTo(3f));
        Assert.That(values.Take(8).Concat(values.Skip(16)), Is.All.NaN);
    }

    [Test]
    public void CopiesOutsideAnAllocationAreRejected()
    {
        using var gpu = new EmulatedGpu(EmulatorToys.Sources);
        var p = gpu.Allocate(100);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => gpu.CopyToHost(new byte[101], p));
        Assert.That(e!.Message, Does.Contain("101 bytes").And.Contain("has 100 bytes"));
        Assert.Throws<ArgumentOutOfRangeException>(() => gpu.CopyToDevice(p.Offset(96), new byte[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => gpu.CopyDeviceToDevice(p, p.Offset(50), 51));
        gpu.CopyDeviceToDevice(p, p.Offset(50), 50);
    }

    [Test]
    public void FreeingTwiceOrAnInteriorPointerIsRejected()
    {
        using var gpu = new EmulatedGpu(EmulatorToys.Sources);
        var p = gpu.Allocate(100);
        var (free, total) = gpu.MemoryInfo();
        Assert.That(total - free, Is.EqualTo(100));
        Assert.Throws<ArgumentException>(() => gpu.Free(p.Offset(4)));
        gpu.Free(p);
        Assert.Throws<ArgumentException>(() => gpu.Free(p));
        Assert.That(gpu.MemoryInfo().Free, Is.EqualTo(total));
    }

    [Test]
    public void PropertiesDescribeAnEmulatedDevice()
    {
        using var gpu = new EmulatedGpu(EmulatorToys.Sources);
        Assert.That(gpu.IsEmulated, Is.True);
        Assert.That(gpu.Name, Is.EqualTo("emulated"));
        Assert.That(gpu.Properties.Name, Is.EqualTo("emulated"));
        Assert.That((gpu.Properties.ComputeMajor, gpu.Properties.ComputeMinor), Is.EqualTo((0, 0)));
        Assert.That(gpu.Properties.MultiprocessorCount, Is.GreaterThanOrEqualTo(1));
        Assert.That(gpu.Properties.MaxSharedMemoryPerBlockOptin, Is.EqualTo(227 * 1024));
        Assert.That(gpu.Properties.TotalMemoryBytes, Is.GreaterThan(0));
    }
}
