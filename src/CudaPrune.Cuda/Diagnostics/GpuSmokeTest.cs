using System.Diagnostics;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Diagnostics;

/// <summary>The outcome of <see cref="GpuSmokeTest.Run"/>: pass or fail, and one line per step.</summary>
public sealed record SmokeTestResult(bool Passed, IReadOnlyList<string> Lines);

/// <summary>
/// An end-to-end check of any <see cref="IGpu"/>, in about a second: compile and load
/// kernels/elementwise.cu, launch add_kernel1, copy back and compare with the host exactly, time it
/// with events, and replay a captured graph of scale_kernel1.
/// </summary>
public static unsafe class GpuSmokeTest
{
    private const int Block = 256;

    public static SmokeTestResult Run(IGpu gpu, int n = 1 << 20)
    {
        var lines = new List<string>();
        bool passed = true;
        void Check(string what, float[] actual, Func<int, float> expected)
        {
            int bad = Enumerable.Range(0, actual.Length).FirstOrDefault(i => actual[i] != expected(i), -1);
            passed &= bad < 0;
            lines.Add(bad < 0 ? $"{what}: matches the host ({actual.Length} floats)"
                : $"{what}: MISMATCH at [{bad}]: {actual[bad]} instead of {expected(bad)}");
        }

        var clock = Stopwatch.StartNew();
        GpuKernel add = gpu.GetKernel("elementwise", "add_kernel1");
        GpuKernel scale = gpu.GetKernel("elementwise", "scale_kernel1");
        lines.Add($"compile and load kernels/elementwise.cu: {clock.Elapsed.TotalMilliseconds:0} ms");

        // Values whose sums and doublings are exact in float, so the comparison can be exact.
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) { a[i] = i * 0.25f; b[i] = 3f - i * 0.5f; }
        using var da = DeviceBuffer.FromHost<float>(gpu, a);
        using var db = DeviceBuffer.FromHost<float>(gpu, b);
        using var dout = new DeviceBuffer(gpu, n * 4L);
        Dim3 grid = Dim3.CeilDiv(n, Block);

        void LaunchAdd()
        {
            var args = new KernelArgs();
            args.Add(dout.Ptr); args.Add(da.Ptr); args.Add(db.Ptr); args.Add((long)n);
            gpu.Launch(add, grid, Block, 0, args.Pointers, args.Widths);
        }

        LaunchAdd();
        Check("add_kernel1", dout.ToArray<float>(), i => a[i] + b[i]);

        using (var start = gpu.CreateEvent())
        using (var end = gpu.CreateEvent())
        {
            const int repeats = 20;
            gpu.Record(start);
            for (int r = 0; r < repeats; r++) LaunchAdd();
            gpu.Record(end);
            float ms = gpu.ElapsedMilliseconds(start, end) / repeats;
            double gbps = 3.0 * n * 4 / (ms * 1e-3) / 1e9;
            lines.Add($"add_kernel1: {ms * 1e3:0.0} us per launch over {n} floats ({gbps:0} GB/s)");
        }

        gpu.BeginCapture();
        var scaleArgs = new KernelArgs();
        scaleArgs.Add(dout.Ptr); scaleArgs.Add(dout.Ptr); scaleArgs.Add(2f); scaleArgs.Add((long)n);
        gpu.Launch(scale, grid, Block, 0, scaleArgs.Pointers, scaleArgs.Widths);
        using (var graph = gpu.EndCapture())
        {
            for (int r = 0; r < 3; r++) gpu.LaunchGraph(graph);
            Check("scale_kernel1 captured once, replayed 3 times", dout.ToArray<float>(), i => (a[i] + b[i]) * 8f);
        }

        lines.Add(passed ? "smoke test passed" : "smoke test FAILED");
        return new SmokeTestResult(passed, lines);
    }
}
