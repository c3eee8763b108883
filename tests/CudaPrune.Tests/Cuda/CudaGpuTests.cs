using CudaPrune.Cuda.Diagnostics;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

/// <summary>The real driver end to end: compile, load, launch, copy, time, capture. Ignored without a device.</summary>
[Category("Gpu")]
[NonParallelizable]
public unsafe class CudaGpuTests
{
    private CudaGpu _gpu = null!;

    [OneTimeSetUp]
    public void OpenDevice()
    {
        // The device first: without one these tests are ignored, even under CI=true.
        _gpu = Requirements.Gpu();
        Requirements.Nvrtc();
    }

    [OneTimeTearDown]
    public void CloseDevice() => _gpu?.Dispose();

    private void Add(DeviceBuffer output, DeviceBuffer a, DeviceBuffer b, long n, Dim3 grid)
    {
        var kernel = _gpu.GetKernel("elementwise", "add_kernel1");
        var args = new KernelArgs();
        args.Add(output.Ptr); args.Add(a.Ptr); args.Add(b.Ptr); args.Add(n);
        _gpu.Launch(kernel, grid, 256, 0, args.Pointers, args.Widths);
    }

    private void Scale(DevicePtr output, DevicePtr input, float s, long n, Dim3 grid, Dim3 block, int sharedBytes = 0)
    {
        var kernel = _gpu.GetKernel("elementwise", "scale_kernel1");
        var args = new KernelArgs();
        args.Add(output); args.Add(input); args.Add(s); args.Add(n);
        _gpu.Launch(kernel, grid, block, sharedBytes, args.Pointers, args.Widths);
    }

    [Test]
    public void ThePropertiesDescribeARealDevice()
    {
        var p = _gpu.Properties;

        Assert.That(p.Name, Is.Not.Empty);
        Assert.That(p.ComputeMajor, Is.GreaterThanOrEqualTo(5));
        Assert.That(p.MultiprocessorCount, Is.Positive);
        Assert.That(p.TotalMemoryBytes, Is.GreaterThan(1L << 30));
        Assert.That(p.L2CacheBytes, Is.Positive);
        Assert.That(p.DriverVersion, Is.GreaterThanOrEqualTo(11000));
        TestContext.Out.WriteLine($"{p.Name} {p.Arch}, {p.MultiprocessorCount} SMs, driver {p.DriverVersion}, kernels built for {_gpu.Arch}");
    }

    [Test]
    public void AddKernelMatchesTheHostSum([Values(1, 1000, 1 << 20)] int n)
    {
        float[] a = Enumerable.Range(0, n).Select(i => i * 0.5f).ToArray();
        float[] b = Enumerable.Range(0, n).Select(i => 1f - i).ToArray();
        using var da = DeviceBuffer.FromHost<float>(_gpu, a);
        using var db = DeviceBuffer.FromHost<float>(_gpu, b);
        using var dout = new DeviceBuffer(_gpu, n * 4L);

        Add(dout, da, db, n, Dim3.CeilDiv(n, 256));

        Assert.That(dout.ToArray<float>(), Is.EqualTo(a.Zip(b, (x, y) => x + y).ToArray()));
    }

    [Test]
    public void ModuleVariantsAreModulesOfTheirOwnAndEachRuns()
    {
        // elementwise.cu reads no VARIANT_TEST: the variants compile to the same code, yet are separate CUmodules.
        var one = _gpu.GetKernel("elementwise", "scale_kernel1", ModuleDefines.Of(("VARIANT_TEST", 1)));
        var two = _gpu.GetKernel("elementwise", "scale_kernel1", ModuleDefines.Of(("VARIANT_TEST", 2)));
        var plain = _gpu.GetKernel("elementwise", "scale_kernel1");
        using var dx = DeviceBuffer.FromHost<float>(_gpu, [1f, 2f, 3f]);
        using var dy = new DeviceBuffer(_gpu, 12);

        Assert.That(new[] { one.Handle, two.Handle, plain.Handle }, Is.Unique);
        Assert.That(_gpu.GetKernel("elementwise", "scale_kernel1", ModuleDefines.Of(("VARIANT_TEST", 1))), Is.SameAs(one));
        foreach (var (kernel, s) in new[] { (one, 2f), (two, 3f) })
        {
            var args = new KernelArgs();
            args.Add(dy.Ptr); args.Add(dx.Ptr); args.Add(s); args.Add(3L);
            _gpu.Launch(kernel, 1, 32, 0, args.Pointers, args.Widths);
            Assert.That(dy.ToArray<float>(), Is.EqualTo(new[] { s, 2 * s, 3 * s }), kernel.ToString());
        }
    }

    [Test]
    public void AGridSmallerThanTheArrayStillCoversItAndInPlaceWorks()
    {
        const int n = 10_000;
        float[] x = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        using var dx = DeviceBuffer.FromHost<float>(_gpu, x);

        Scale(dx.Ptr, dx.Ptr, -2f, n, grid: 3, block: 128);

        Assert.That(dx.ToArray<float>(), Is.EqualTo(x.Select(v => v * -2f).ToArray()));
    }

    [Test]
    public void MemsetAndDeviceToDeviceCopyAreOrderedOnTheStream()
    {
        const int n = 4096;
        using var src = new DeviceBuffer(_gpu, n * 4L);
        using var dst = new DeviceBuffer(_gpu, n * 4L);

        _gpu.Memset32(src.Ptr, BitConverter.SingleToUInt32Bits(3.5f), n);
        _gpu.CopyDeviceToDevice(dst.Ptr, src.Ptr, n * 4L);

        Assert.That(dst.ToArray<float>(), Is.All.EqualTo(3.5f));
    }

    [Test]
    public void EventsTimeTheWorkBetweenThem()
    {
        const int n = 1 << 24;
        using var dx = new DeviceBuffer(_gpu, n * 4L);
        _gpu.Memset32(dx.Ptr, 0, n);
        using var start = _gpu.CreateEvent();
        using var end = _gpu.CreateEvent();

        _gpu.Record(start);
        for (int i = 0; i < 10; i++) Scale(dx.Ptr, dx.Ptr, 1.0001f, n, Dim3.CeilDiv(n, 256), 256);
        _gpu.Record(end);
        float ms = _gpu.ElapsedMilliseconds(start, end);

        // 10 passes over 64 MiB read + write: well above 0, well under a second on any CUDA GPU.
        Assert.That(ms, Is.GreaterThan(0f).And.LessThan(1000f));
        TestContext.Out.WriteLine($"10 x scale over {n} floats: {ms:0.000} ms ({10 * 2.0 * n * 4 / (ms * 1e-3) / 1e9:0} GB/s)");
    }

    [Test]
    public void ACapturedGraphRunsOnlyWhenLaunchedAndEachLaunchRunsItAgain()
    {
        const int n = 1000;
        using var dx = DeviceBuffer.FromHost<float>(_gpu, Enumerable.Repeat(1f, n).ToArray());
        _gpu.GetKernel("elementwise", "scale_kernel1"); // load the module before capturing: loading is no stream work

        _gpu.BeginCapture();
        Scale(dx.Ptr, dx.Ptr, 2f, n, Dim3.CeilDiv(n, 256), 256);
        using var graph = _gpu.EndCapture();
        float[] afterCapture = dx.ToArray<float>();
        _gpu.LaunchGraph(graph);
        _gpu.LaunchGraph(graph);
        float[] afterTwoLaunches = dx.ToArray<float>();

        Assert.That(afterCapture, Is.All.EqualTo(1f), "capturing records the launch without running it");
        Assert.That(afterTwoLaunches, Is.All.EqualTo(4f));
    }

    [Test]
    public void HostCopiesRefuseToBeCaptured()
    {
        using var dx = new DeviceBuffer(_gpu, 16);
        _gpu.BeginCapture();
        try
        {
            Assert.That(() => dx.CopyFrom<float>(new float[4]), Throws.InvalidOperationException.With.Message.Contain("captured graph"));
        }
        finally
        {
            _gpu.EndCapture().Dispose();
        }
    }

    [Test]
    public void ABlockOf2048ThreadsIsRefusedWithItsSize()
    {
        using var dx = new DeviceBuffer(_gpu, 16);

        var e = Assert.Throws<CudaException>(() => Scale(dx.Ptr, dx.Ptr, 1f, 4, grid: 1, block: 2048))!;

        Assert.That(e.Message, Does.Contain("elementwise/scale_kernel1").And.Contain("2048").And.Contain($"{_gpu.Device.Limits.MaxThreadsPerBlock}"));
    }

    [Test]
    public void TooMuchSharedMemoryIsRefusedWithBothSizes()
    {
        using var dx = new DeviceBuffer(_gpu, 16);
        int tooMuch = _gpu.Device.Limits.SharedMemoryPerBlockOptin + 1;

        var e = Assert.Throws<CudaException>(() => Scale(dx.Ptr, dx.Ptr, 1f, 4, 1, 32, tooMuch))!;

        Assert.That(e.Message, Does.Contain($"{tooMuch} B").And.Contain($"{_gpu.Device.Limits.SharedMemoryPerBlockOptin} B"));
    }

    [Test]
    public void SharedMemoryAboveTheDefaultIsOptedInto()
    {
        int large = _gpu.Device.Limits.SharedMemoryPerBlockOptin;
        Assume.That(large, Is.GreaterThan(_gpu.Device.Limits.SharedMemoryPerBlock), "this device has no opt-in shared memory");
        using var dx = DeviceBuffer.FromHost<float>(_gpu, [1f, 2f]);

        Scale(dx.Ptr, dx.Ptr, 3f, 2, 1, 32, large);

        Assert.That(dx.ToArray<float>(), Is.EqualTo(new[] { 3f, 6f }));
    }

    [Test]
    public void AnAllocationLargerThanFreeMemoryNamesTheSizes()
    {
        long tooMuch = _gpu.MemoryInfo().Total + (1L << 30);

        var e = Assert.Throws<CudaException>(() => _gpu.Allocate(tooMuch))!;

        Assert.That(e.Message, Does.Contain($"{tooMuch} B").And.Contain("free of"));
        Assert.That(e.ErrorName, Is.EqualTo("CUDA_ERROR_OUT_OF_MEMORY"));
    }

    [Test]
    public void AKernelThatIsNotInTheFileIsNamed()
    {
        var e = Assert.Throws<CudaException>(() => _gpu.GetKernel("elementwise", "no_such_kernel"))!;

        Assert.That(e.Message, Does.Contain("no_such_kernel").And.Contain("kernels/elementwise.cu"));
    }

    [Test]
    public void GetKernelReturnsTheSameHandleEachTime()
    {
        var first = _gpu.GetKernel("elementwise", "add_kernel1");
        var second = _gpu.GetKernel("elementwise", "add_kernel1");

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void ALaunchFromAnotherThreadFindsTheContext()
    {
        const int n = 256;
        using var dx = DeviceBuffer.FromHost<float>(_gpu, Enumerable.Repeat(1f, n).ToArray());

        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try { Scale(dx.Ptr, dx.Ptr, 5f, n, 1, 256); }
            catch (Exception e) { failure = e; }
        });
        worker.Start();
        worker.Join();

        Assert.That(failure, Is.Null);
        Assert.That(dx.ToArray<float>(), Is.All.EqualTo(5f));
    }

    [Test]
    public void TheSmokeTestPasses()
    {
        var result = GpuSmokeTest.Run(_gpu, n: 100_000);

        foreach (string line in result.Lines) TestContext.Out.WriteLine(line);
        Assert.That(result.Passed, Is.True, string.Join(Environment.NewLine, result.Lines));
    }
}
