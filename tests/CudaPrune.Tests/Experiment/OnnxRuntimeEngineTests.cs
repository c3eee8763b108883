using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;
using CudaPrune.Experiment.Engines;
using CudaPrune.Profiling.Latency;
using CudaPrune.Tests.Interop;
using Microsoft.ML.OnnxRuntime;

namespace CudaPrune.Tests.Experiment;

/// <summary>The second engine: ONNX Runtime times exactly our model (same logits on the same input), and beside ours.</summary>
public class OnnxRuntimeEngineTests
{
    [Test]
    public void OnnxRuntimeIsAvailableInTheTestBuild()
    {
        using var engine = new OnnxRuntimeEngine(new OnnxRuntimeOptions { IntraOpThreads = 2 });

        Assert.That(engine.Availability.IsAvailable, Is.True, engine.Availability.ToString());
        Assert.That(OnnxRuntimeEngine.Version, Does.StartWith("1.31"));
        Assert.That(engine.Description, Does.Contain("ONNX Runtime 1.31").And.Contain("2 intra-op threads").And.Contain("graph optimisation all"));
        Assert.That(new OnnxRuntimeOptions().Threads, Is.EqualTo(Environment.ProcessorCount), "one thread per core by default, as our CPU backend");
    }

    [TestCase("simplecnn", Variant.Baseline)]
    [TestCase("resnet20", Variant.Baseline)]
    [TestCase("resnet20", Variant.ChannelPruned)]
    public void TheTimedSessionComputesOurLogits(string name, Variant variant)
    {
        const int batch = 3;
        using var cpu = new CpuBackend();
        using var model = InteropModels.Weights(name, variant).Build(cpu);
        using var engine = new OnnxRuntimeEngine(new OnnxRuntimeOptions { IntraOpThreads = 2, Seed = 4 });
        using var run = (OnnxRuntimeRun)engine.Prepare(model, batch);

        double ms = run.Run();

        Assert.That(ms, Is.GreaterThan(0));
        Assert.That(run.Images, Is.EqualTo(LatencyProfiler.RandomImages(model.Spec, batch, 4)), "the same seeded input as our engine's");
        float[] ours = OurLogits(model, run.Images, batch);
        float[] theirs = run.Logits();
        Assert.That(theirs, Has.Length.EqualTo(batch * 10));
        // ONNX Runtime fuses conv + batch norm and sums in another order: float rounding, nothing more.
        Assert.That(OnnxRuntimeReference.RelativeError(theirs, ours), Is.LessThan(1e-4));
    }

    [Test]
    public void BothEnginesAreMeasuredInterleavedAndAnUnavailableOneIsSkipped()
    {
        using var cpu = new CpuBackend(threads: 2);
        using var device = ProfilingDevice.For(cpu);
        using var model = InteropModels.Weights("simplecnn", Variant.Baseline).Build(cpu);
        using var ours = new CudaPruneEngine(device);
        using var ort = new OnnxRuntimeEngine(new OnnxRuntimeOptions { IntraOpThreads = cpu.Threads });
        using var missing = new FakeEngine("tensorrt", [], unavailableBecause: "not available in this build");
        var timer = new InterleavedLatency(new InterleaveOptions { WarmupRounds = 1, MinRounds = 3, MinSeconds = 0 });

        var result = EngineComparison.Measure([ours, ort, missing], [new LatencySubject("baseline", model)], batch: 2, timer);

        Assert.That(result.Batch, Is.EqualTo(2));
        Assert.That(result.Rows.Select(r => r.Engine), Is.EqualTo(new[] { "cudaprune", "onnxruntime" }));
        foreach (var row in result.Rows)
        {
            Assert.That(row.Label, Is.EqualTo("baseline"));
            Assert.That(row.Latency.SamplesMs, Has.Count.EqualTo(3));
            Assert.That(row.Latency.Stats.Median, Is.GreaterThan(0));
        }
        Assert.That(result.Skipped, Is.EqualTo(new[] { new SkippedEngine("tensorrt", "not available in this build") }));
        Assert.That(result.Find("tensorrt", "baseline"), Is.Null);
        Assert.That(result.Descriptions["cudaprune"], Does.Contain("2 threads"));
        Assert.That(result.Descriptions["onnxruntime"], Does.Contain("2 intra-op threads"));
        Assert.That(model.IsTraining, Is.True, "our engine puts the model back in training mode when done");
    }

    [Test]
    public void AnUnavailableEngineIsReportedNotThrownAndNeverPrepared()
    {
        var log = new List<string>();
        var ok = new FakeEngine("a", log);
        var missing = new FakeEngine("onnxruntime", log, unavailableBecause: "ONNX Runtime's native library (libonnxruntime) could not be loaded");
        using var cpu = new CpuBackend();
        using var model = InteropModels.Weights("simplecnn", Variant.Baseline).Build(cpu);

        var result = EngineComparison.Measure([missing, ok], [new LatencySubject("m1", model), new LatencySubject("m2", model)], 1,
            new InterleavedLatency(new InterleaveOptions { WarmupRounds = 0, MinRounds = 2, MinSeconds = 0 }, new ManualClock()));

        Assert.That(result.Skipped.Single().Engine, Is.EqualTo("onnxruntime"));
        Assert.That(result.Skipped.Single().Reason, Does.Contain("libonnxruntime"));
        Assert.That(result.Rows.Select(r => r.Label), Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(result.Descriptions.Keys, Is.EquivalentTo(new[] { "a", "onnxruntime" }));
        Assert.That(ok.Prepared.All(r => r.Disposed), Is.True, "prepared runs are disposed");
        Assert.That(log, Has.Count.EqualTo(4));
    }

    [Test]
    public void BadOptionsAreRefusedAndLevelsAreNamed()
    {
        Assert.That(OnnxRuntimeEngine.Level(GraphOptimizationLevel.ORT_DISABLE_ALL), Is.EqualTo("disabled"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxRuntimeEngine(new OnnxRuntimeOptions { IntraOpThreads = -1 }));
    }

    private static float[] OurLogits(CudaPrune.Core.Models.Model model, float[] images, int batch)
    {
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Begin();
        var x = model.Backend.FromArray(images, model.Spec.InputShape.WithBatch(batch));
        return model.Forward(x).ToArray();
    }
}
