using System.Runtime.CompilerServices;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

public class DeviceBufferTests
{
    [Test]
    public void DataMakesTheRoundTrip()
    {
        using var gpu = new HostMemoryGpu();
        float[] data = [1.5f, -2f, 3.25f];

        using var buffer = DeviceBuffer.FromHost<float>(gpu, data);

        Assert.That(buffer.Bytes, Is.EqualTo(12));
        Assert.That(buffer.ToArray<float>(), Is.EqualTo(data));
    }

    [Test]
    public void AHostSpanOfAnotherSizeIsRefusedWithBothSizes()
    {
        using var gpu = new HostMemoryGpu();
        using var buffer = new DeviceBuffer(gpu, 16);

        var e = Assert.Throws<ArgumentException>(() => buffer.CopyFrom<float>(new float[3]))!;

        Assert.That(e.Message, Does.Contain("12 B").And.Contain("16 B"));
    }

    [Test]
    public void DisposeFreesOnceAndThePointerIsGoneAfterwards()
    {
        using var gpu = new HostMemoryGpu();
        var buffer = new DeviceBuffer(gpu, 64);

        buffer.Dispose();
        buffer.Dispose();

        Assert.That(gpu.Frees, Is.EqualTo(1));
        Assert.That(() => buffer.Ptr, Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void ALeakedBufferIsCountedByItsFinalizerButNeverFreedThere()
    {
        using var gpu = new HostMemoryGpu();
        long leaksBefore = DeviceBuffer.LeakCount;

        AllocateAndDrop(gpu);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.That(DeviceBuffer.LeakCount, Is.EqualTo(leaksBefore + 1));
        Assert.That(gpu.Frees, Is.Zero);
        Assert.That(gpu.Live, Is.EqualTo(1));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(IGpu gpu) => _ = new DeviceBuffer(gpu, 32);
}
