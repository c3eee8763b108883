using System.Diagnostics;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

/// <summary>On a real device an upload is staged and queued: it does not wait for the kernels before it, and its data arrives. Ignored without a device.</summary>
[Category("Gpu")]
[NonParallelizable]
public unsafe class CudaUploadTests
{
    private const double SpinMs = 50;
    private CudaGpu _gpu = null!;

    [OneTimeSetUp]
    public void OpenDevice()
    {
        _gpu = Requirements.Gpu();
        Requirements.Nvrtc();
    }

    [OneTimeTearDown]
    public void CloseDevice() => _gpu?.Dispose();

    // One thread spinning for SpinMs of SM clocks (the base clock: at a boost clock it spins a little less).
    private void Spin()
    {
        var kernel = _gpu.GetKernel("bench", "bench_spin_kernel1");
        var args = new KernelArgs();
        args.Add((long)(_gpu.Properties.ClockRateKHz * SpinMs));
        _gpu.Launch(kernel, 1, 32, 0, args.Pointers, args.Widths);
    }

    [Test]
    public void AnUploadDoesNotWaitForALongKernelAndItsDataArrives()
    {
        const int n = 1 << 20; // 4 MiB
        float[] host = Enumerable.Range(0, n).Select(i => i * 0.25f).ToArray();
        float[] expected = (float[])host.Clone();
        using var dst = new DeviceBuffer(_gpu, n * 4L);
        dst.CopyFrom<float>(new float[n]); // pins the staging buffer outside the timed part
        _gpu.Synchronize();
        using var spun = (CudaEvent)_gpu.CreateEvent();
        long waitsBefore = _gpu.HostWaits;

        Spin();
        _gpu.Record(spun);
        var clock = Stopwatch.StartNew();
        dst.CopyFrom<float>(host);
        double uploadMs = clock.Elapsed.TotalMilliseconds;
        bool spinDoneAtReturn = spun.IsComplete;
        Array.Fill(host, -1f); // the host buffer may be reused once the upload returns

        Assert.That(spinDoneAtReturn, Is.False, $"the upload returned after the {SpinMs} ms spin had ended ({uploadMs:0.0} ms): it waited for the stream");
        Assert.That(uploadMs, Is.LessThan(SpinMs / 2));
        Assert.That(_gpu.HostWaits, Is.EqualTo(waitsBefore), "an upload is no host wait while the staging pool has room");
        _gpu.Synchronize();
        Assert.That(dst.ToArray<float>(), Is.EqualTo(expected));
        TestContext.Out.WriteLine($"upload of {n * 4 >> 20} MiB behind a {SpinMs} ms spin returned in {uploadMs:0.00} ms; {_gpu.Staging.BufferCount} staging buffers, {_gpu.Staging.PinnedBytes >> 20} MiB pinned");
    }

    [Test]
    public void AnUploadLargerThanTheStagingPoolGoesInPiecesAndArrivesWhole()
    {
        long bytes = _gpu.Staging.CapacityBytes + _gpu.Staging.ChunkBytes + 12;
        int n = (int)(bytes / 4);
        var host = new float[n];
        for (int i = 0; i < n; i++) host[i] = i % 1000 - 500;
        using var dst = new DeviceBuffer(_gpu, n * 4L);

        Spin(); // the pool fills while the stream is held, so the last pieces wait for the first
        dst.CopyFrom<float>(host);
        float[] back = dst.ToArray<float>();

        Assert.That(back, Is.EqualTo(host));
        Assert.That(_gpu.Staging.PinnedBytes, Is.LessThanOrEqualTo(_gpu.Staging.CapacityBytes));
    }

    [Test]
    public void IndexSelectQueuesBehindAKernelWithoutWaiting()
    {
        using var backend = new CudaPrune.Core.Backends.Cuda.CudaBackend(_gpu, ownsGpu: false);
        using var src = backend.FromArray([1f, 2f, 3f, 4f], [4]);
        backend.IndexSelect(src, 0, [3, 0]).Dispose(); // compiles gather.cu and fills the allocator's cache outside the timed part
        _gpu.Synchronize();
        using var spun = (CudaEvent)_gpu.CreateEvent();
        long waitsBefore = _gpu.HostWaits;

        Spin();
        _gpu.Record(spun);
        using var picked = backend.IndexSelect(src, 0, [3, 0]);

        Assert.That(spun.IsComplete, Is.False, "IndexSelect's upload of its indices waited for the spin");
        Assert.That(_gpu.HostWaits, Is.EqualTo(waitsBefore));
        Assert.That(picked.ToArray(), Is.EqualTo(new[] { 4f, 1f }));
    }
}
