namespace CudaPrune.Tests.Emulation;

/// <summary>
/// The emulator runs everything at once, but keeps a GPU's account of host waits: reading back,
/// synchronizing and timing wait; an upload, staged and queued on a GPU, does not.
/// </summary>
[Category("Emulated")]
public class HostWaitAccountingTests
{
    [Test]
    public void AnUploadIsNoWaitButEveryReadSynchronizeAndTimingIs()
    {
        using var gpu = EmulatorToys.NewGpu();
        var p = gpu.Allocate(64);

        gpu.CopyToDevice(p, new byte[64]);
        gpu.CopyToDevice(p, new byte[64]);
        Assert.That(gpu.HostWaits, Is.Zero, "uploads");

        gpu.CopyToHost(new byte[64], p);
        Assert.That(gpu.HostWaits, Is.EqualTo(1), "a read back");
        gpu.Synchronize();
        Assert.That(gpu.HostWaits, Is.EqualTo(2), "Synchronize");
        using var start = gpu.CreateEvent();
        using var end = gpu.CreateEvent();
        gpu.Record(start);
        gpu.Record(end);
        gpu.ElapsedMilliseconds(start, end);
        Assert.That(gpu.HostWaits, Is.EqualTo(3), "an elapsed time");
        gpu.Free(p);
    }
}
