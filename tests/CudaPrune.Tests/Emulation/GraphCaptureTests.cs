using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>Graph capture records launches (with their argument values), memsets, copies and events; replay repeats them.</summary>
[Category("Emulated")]
public class GraphCaptureTests
{
    [Test]
    public unsafe void ReplayRepeatsTheCapturedStepsWithTheCapturedArgumentValues()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int n = 1000;
        var input = EmulatorToys.RandomFloats(n);
        var inp = gpu.Upload(input);
        var sum = gpu.Allocate(n * 4);
        var copy = gpu.Allocate(n * 4);
        var kernel = gpu.GetKernel("toy_elementwise", "toy_add_scalar");

        gpu.BeginCapture();
        gpu.Memset32(sum, BitConverter.SingleToUInt32Bits(0f), n);
        var a = new KernelArgs();
        a.Add(sum); a.Add(sum); a.Add(2.5f); a.Add(n);
        gpu.Launch(kernel, 4, 128, 0, a.Pointers, a.Widths);
        gpu.CopyDeviceToDevice(copy, sum, n * 4);
        var graph = gpu.EndCapture();

        Assert.That(gpu.Download<float>(sum, n), Is.All.NaN, "capturing must not run anything");
        var changed = new KernelArgs(); // later launches with other values must not leak into the graph
        changed.Add(sum); changed.Add(inp); changed.Add(-100f); changed.Add(n);
        gpu.Launch(kernel, 4, 128, 0, changed.Pointers, changed.Widths);

        gpu.LaunchGraph(graph);
        gpu.LaunchGraph(graph);
        Assert.That(gpu.Download<float>(sum, n), Is.All.EqualTo(2.5f));
        Assert.That(gpu.Download<float>(copy, n), Is.All.EqualTo(2.5f));
        graph.Dispose();
    }

    [Test]
    public unsafe void EventsTimeTheWorkBetweenThem()
    {
        using var gpu = EmulatorToys.NewGpu();
        const int n = 1 << 16;
        var inp = gpu.Upload(EmulatorToys.RandomFloats(n));
        var outp = gpu.Allocate(n * 4);
        using var start = gpu.CreateEvent();
        using var end = gpu.CreateEvent();
        var a = new KernelArgs();
        a.Add(outp); a.Add(inp); a.Add(1f); a.Add(n);

        gpu.Record(start);
        gpu.Launch(gpu.GetKernel("toy_elementwise", "toy_add_scalar"), 64, 256, 0, a.Pointers, a.Widths);
        gpu.Record(end);
        gpu.Synchronize();

        Assert.That(gpu.ElapsedMilliseconds(start, end), Is.GreaterThan(0f).And.LessThan(10_000f));
        using var never = gpu.CreateEvent();
        Assert.Throws<InvalidOperationException>(() => gpu.ElapsedMilliseconds(start, never));
    }

    [Test]
    public void WaitingForTheStreamDuringACaptureIsAnError()
    {
        using var gpu = EmulatorToys.NewGpu();
        var p = gpu.Allocate(16);
        gpu.BeginCapture();
        Assert.Throws<InvalidOperationException>(() => gpu.CopyToHost(new byte[16], p));
        Assert.Throws<InvalidOperationException>(() => gpu.CopyToDevice(p, new byte[16]));
        Assert.Throws<InvalidOperationException>(gpu.Synchronize);
        Assert.Throws<InvalidOperationException>(gpu.BeginCapture);
        gpu.EndCapture().Dispose();
        Assert.Throws<InvalidOperationException>(() => gpu.EndCapture());
    }
}
