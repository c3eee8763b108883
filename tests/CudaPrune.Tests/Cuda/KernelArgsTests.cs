using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

public unsafe class KernelArgsTests
{
    [Test]
    public void EachSlotHoldsItsArgumentAsTheKernelReadsIt()
    {
        var args = new KernelArgs();
        args.Add(new DevicePtr(0x7f00_dead_beef));
        args.Add(-7);
        args.Add(2.5f);
        args.Add(-3_000_000_000L);
        args.Add(4_000_000_000u);

        void** p = args.Pointers;

        Assert.That(args.Count, Is.EqualTo(5));
        Assert.That(*(ulong*)p[0], Is.EqualTo(0x7f00_dead_beefUL));
        Assert.That(*(int*)p[1], Is.EqualTo(-7));
        Assert.That(*(float*)p[2], Is.EqualTo(2.5f));
        Assert.That(*(long*)p[3], Is.EqualTo(-3_000_000_000L));
        Assert.That(*(uint*)p[4], Is.EqualTo(4_000_000_000u));
    }

    [Test]
    public void EachArgumentHasItsOwnSlot()
    {
        var args = new KernelArgs();
        args.Add(1);
        args.Add(2);

        void** p = args.Pointers;

        Assert.That((long)((byte*)p[1] - (byte*)p[0]), Is.EqualTo(8L));
    }

    [Test]
    public void MoreThanTheMaximumIsRefused()
    {
        Assert.That(() =>
        {
            var args = new KernelArgs();
            for (int i = 0; i <= KernelArgs.MaxArgs; i++) args.Add(i);
        }, Throws.InvalidOperationException.With.Message.Contain(KernelArgs.MaxArgs.ToString()));
    }
}
