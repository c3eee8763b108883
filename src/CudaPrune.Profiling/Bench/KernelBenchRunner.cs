using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// Runs the cases of a <see cref="KernelBenchPlan"/>: for each, validate against the CPU reference, warm
/// up, time warm and with L2 flushed, validate again (a kernel that passes before timing can still break
/// state or race), and derive the rates and the cuBLAS ratio.
/// </summary>
public sealed class KernelBenchRunner(CudaBackend backend, BenchLaunchTimer timer, KernelBenchOptions options, Action<string>? progress = null)
{
    public IReadOnlyList<KernelBenchResult> Run(IReadOnlyList<KernelBenchGroup> groups)
    {
        var results = new List<KernelBenchResult>();
        int total = groups.Sum(g => g.Cases.Count), done = 0;
        foreach (var group in groups)
        {
            IKernelWorkload workload;
            try
            {
                workload = group.CreateWorkload();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Its tensors could not be made (device memory, say): every case of the shape fails, the run goes on.
                foreach (var c in group.Cases) Report(Failed(c, e));
                continue;
            }
            using (workload)
                foreach (var c in group.Cases) Report(RunCase(workload, c));
        }
        return WithCublasRatios(results);

        void Report(KernelBenchResult r)
        {
            results.Add(r);
            progress?.Invoke($"[{++done}/{total}] {r.Kernel,-48} {r.Source} {r.Shape}: " +
                (r.Warm is { } w ? $"{w.MedianMs * 1000:F1} µs{(r.Valid ? "" : "  INVALID: " + r.Note)}" : "FAILED: " + r.Note));
        }
    }

    private KernelBenchResult RunCase(IKernelWorkload workload, KernelBenchCase c)
    {
        ResetSelection();
        c.Select(backend);
        try
        {
            var before = workload.Validate(c.Op);
            for (int i = 0; i < options.WarmupRuns; i++) workload.Run(c.Op);
            var warm = KernelTimingStats.Of(timer.Time(() => workload.Run(c.Op), options.Runs, flushL2: false));
            var flushed = KernelTimingStats.Of(timer.Time(() => workload.Run(c.Op), options.Runs, flushL2: true));
            var after = workload.Validate(c.Op);
            return Measured(c, warm, flushed, before, after);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed launch is a result too; a dead context will show as every later case failing.
            return Failed(c, e);
        }
        finally
        {
            ResetSelection();
        }
    }

    private static KernelBenchResult Failed(KernelBenchCase c, Exception e) =>
        new(c.Family, c.Op, c.Version, c.Kernel, c.Source, c.Batch, c.Shape, c.ShapeKey, c.Flops, c.Bytes,
            null, null, false, false, double.NaN, $"{e.GetType().Name}: {e.Message}", null, null, null, null);

    private KernelBenchResult Measured(KernelBenchCase c, KernelTimingStats warm, KernelTimingStats flushed, KernelCheckResult before, KernelCheckResult after)
    {
        var p = backend.Gpu.Properties;
        double seconds = warm.MedianMs * 1e-3;
        double? flopsPerSecond = seconds > 0 ? c.Flops / seconds : null, bytesPerSecond = seconds > 0 ? c.Bytes / seconds : null;
        return new KernelBenchResult(c.Family, c.Op, c.Version, c.Kernel, c.Source, c.Batch, c.Shape, c.ShapeKey, c.Flops, c.Bytes,
            warm, flushed, before.Passed, after.Passed, Math.Max(before.MaxAbsError, after.MaxAbsError), before.Note ?? after.Note,
            flopsPerSecond / 1e12, bytesPerSecond / 1e9,
            p.PeakFp32FlopsPerSecond > 0 ? flopsPerSecond / p.PeakFp32FlopsPerSecond : null,
            p.PeakBandwidthBytesPerSecond > 0 ? bytesPerSecond / p.PeakBandwidthBytesPerSecond : null);
    }

    private void ResetSelection()
    {
        backend.Versions.Reset();
        backend.ConvTileOverride = null;
        backend.ConvSplitsOverride = null;
    }

    // Each GEMM row against the cuBLAS row of its shape (warm medians).
    private static List<KernelBenchResult> WithCublasRatios(List<KernelBenchResult> results)
    {
        var cublas = results.Where(r => r.Op == KernelGemmWorkload.CublasOp && r.Warm is not null)
            .ToDictionary(r => r.ShapeKey, r => r.Warm!.MedianMs);
        return [.. results.Select(r => r.Family == "gemm" && r.Warm is { } w && cublas.TryGetValue(r.ShapeKey, out double reference)
            ? r with { VsCublas = reference / w.MedianMs }
            : r)];
    }
}
