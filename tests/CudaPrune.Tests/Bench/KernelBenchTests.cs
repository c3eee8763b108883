using System.Diagnostics;
using System.Text.Json;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Cuda.Emulation;
using CudaPrune.Profiling.Bench;
using CudaPrune.Tests.Checkpoints;

namespace CudaPrune.Tests.Bench;

/// <summary>`bench kernels`: its statistics, the emulated path end to end, and its agreement with bench/pytorch_reference.py.</summary>
public class KernelBenchTests
{
    [Test]
    public void PercentilesInterpolateBetweenNeighbours()
    {
        var stats = KernelTimingStats.Of([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

        Assert.That(stats.Runs, Is.EqualTo(10));
        Assert.That(stats.MedianMs, Is.EqualTo(5.5).Within(1e-12));
        Assert.That(stats.P10Ms, Is.EqualTo(1.9).Within(1e-12));
        Assert.That(stats.P90Ms, Is.EqualTo(9.1).Within(1e-12));
        Assert.That(stats.MinMs, Is.EqualTo(1));
    }

    [Test]
    [Category("Emulated")]
    public void AnEmulatedQuickRunValidatesEveryCaseAndWritesMarkdownJsonAndCsv()
    {
        using var backend = new Core.Backends.Cuda.CudaBackend(new EmulatedGpu());
        using var timer = new BenchLaunchTimer(backend.Gpu);
        var options = KernelBenchOptions.QuickPreset with { Filters = ["M=N=K=64", "layer2.0.shortcut"] };
        using var folder = new TempFolder();

        var results = new KernelBenchRunner(backend, timer, options).Run(KernelBenchPlan.Build(backend, null, options));
        var report = new KernelBenchReport(KernelBenchEnvironment.Describe(backend.Gpu, options, timer.FlushBytes, "test", null), results);
        var files = report.Save(Path.Combine(folder.Path, "run.json"));

        Assert.That(results.Select(r => r.Kernel), Does.Contain("sgemm_kernel3").And.Contain("conv2d_backward_weight_kernel1"));
        Assert.That(results, Has.All.Matches<KernelBenchResult>(r => r.Valid && r.Warm!.Runs == 3 && r.Flushed!.Runs == 3), string.Join("; ", results.Select(r => r.Note)));
        Assert.That(files.Select(Path.GetFileName), Is.EqualTo(new[] { "run.md", "run.json", "run.csv" }));
        Assert.That(File.ReadAllText(files[0]), Does.Contain("EMULATED").And.Contain("sgemm_kernel2"));
        using var json = JsonDocument.Parse(File.ReadAllText(files[1]));
        Assert.That(json.RootElement.GetProperty("results").GetArrayLength(), Is.EqualTo(results.Count));
        Assert.That(json.RootElement.GetProperty("results")[0].GetProperty("warm").GetProperty("median_ms").GetDouble(), Is.GreaterThan(0));
        Assert.That(File.ReadAllLines(files[2]), Has.Length.EqualTo(results.Count + 1));
    }

    [Test]
    public void ThePyTorchReferenceSetsTheCudnnRatioByOpShapeKeyAndTf32()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "cudnn.json");
        File.WriteAllText(path, """
            {"device": "NVIDIA H100 80GB HBM3", "results": [
              {"op": "conv2d_forward", "shape_key": "n256_c16_h32_w32_oc16_k3_s1_p1", "tf32": false, "warm": {"median_ms": 0.06}},
              {"op": "conv2d_forward", "shape_key": "n256_c16_h32_w32_oc16_k3_s1_p1", "tf32": true, "warm": {"median_ms": 0.03}},
              {"op": "conv2d_backward_data", "shape_key": "n256_c16_h32_w32_oc16_k3_s1_p1", "tf32": false, "warm": {"median_ms": 0.5}}
            ]}
            """);
        var ours = new KernelBenchResult("conv", ConvKernels.Forward, 2, "conv2d_forward_kernel2_bm16", "resnet20 layer1.0.conv1", 256, "",
            "n256_c16_h32_w32_oc16_k3_s1_p1", 1, 1, new KernelTimingStats(30, 0.08, 0.07, 0.09, 0.07), null, true, true, 0, null, null, null, null, null);

        var reference = KernelPyTorchReference.Load(path);
        var applied = reference.Apply([ours, ours with { ShapeKey = "n1_c3_h32_w32_oc16_k3_s1_p1" }]);

        Assert.That(reference.Device, Is.EqualTo("NVIDIA H100 80GB HBM3"));
        Assert.That(applied[0].VsCudnn, Is.EqualTo(0.75).Within(1e-12));
        Assert.That(applied[0].VsCudnnTf32, Is.EqualTo(0.375).Within(1e-12));
        Assert.That(applied[1].VsCudnn, Is.Null, "no reference for that shape");
    }

    [Test]
    public void PytorchReferenceListsTheSameConvShapesInTheSameOrder()
    {
        string script = Path.Combine(Emulation.EmulatorToys.RepositoryRoot(), "bench", "pytorch_reference.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("shapes");
        Process? python;
        try { python = Process.Start(start); }
        catch (System.ComponentModel.Win32Exception) { python = null; }
        if (python is null) Assert.Ignore("no python3 on this machine");
        string output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.That(python.ExitCode, Is.Zero, python.StandardError.ReadToEnd());

        var listed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', 2)[0] + " " + line.Split(' ', 2)[1].Trim());
        var ours = KernelBenchPlan.ConvLayers(new KernelBenchOptions()).Select(l => $"{KernelBenchPlan.ConvKey(l.Geometry)} {l.Source}");

        Assert.That(listed, Is.EqualTo(ours));
    }
}
