using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Tests.Training;

/// <summary>An interrupted run resumed from its per-epoch resume file ends bit-identical to an uninterrupted one.</summary>
public class ResumeTests
{
    private string _dir = "";

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cudaprune-resume-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    // Momentum and weight decay on, a cosine schedule: the state that must cross the interruption is all exercised.
    private static TrainOptions Options() => new()
    {
        Epochs = 3, BatchSize = 16, LearningRate = 0.1f, Schedule = "cosine", Momentum = 0.9f, WeightDecay = 5e-4f, Seed = 3, EvalBatchSize = 32,
    };

    private string ResumePath => Path.Combine(_dir, "resume.safetensors");

    private ResumeFile File(TrainOptions o) => new(ResumePath, o.ResumeIdentity());

    /// <summary>Cancels the run once the epoch given has been reported, i.e. after its resume file was written.</summary>
    private sealed class StopAfter(int epoch, CancellationTokenSource cancel) : ITrainingReporter
    {
        public void OnStep(StepProgress progress) { }
        public void OnEpoch(EpochMetrics metrics) { if (metrics.Epoch == epoch) cancel.Cancel(); }
    }

    private static Dictionary<string, byte[]> Bytes(Model model) =>
        model.StateDict().ToDictionary(kv => kv.Key, kv => System.Runtime.InteropServices.MemoryMarshal.AsBytes(kv.Value.ToArray().AsSpan()).ToArray());

    private (Dictionary<string, byte[]> Weights, List<EpochMetrics> History) Uninterrupted()
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 3);
        var trainer = new Trainer(model, Options());
        trainer.Fit(TinyTask.Data(64, seed: 1), TinyTask.Data(32, seed: 2));
        return (Bytes(model), [.. trainer.History]);
    }

    private void Interrupt(int afterEpoch)
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 3);
        using var cancel = new CancellationTokenSource();
        var trainer = new Trainer(model, Options(), new StopAfter(afterEpoch, cancel)) { ResumeFile = File(Options()) };
        Assert.That(() => trainer.Fit(TinyTask.Data(64, seed: 1), TinyTask.Data(32, seed: 2), cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void AResumedRunEndsOnTheSameWeightsAndMetrics()
    {
        var (expected, expectedHistory) = Uninterrupted();
        Interrupt(afterEpoch: 1);

        using var backend = new CpuBackend();
        // A fresh process builds the model from the seed again; the resume file overwrites it.
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 3);
        var trainer = new Trainer(model, Options()) { ResumeFile = File(Options()) };
        Assert.That(trainer.Resume(), Has.Count.EqualTo(1));
        trainer.Fit(TinyTask.Data(64, seed: 1), TinyTask.Data(32, seed: 2));

        var actual = Bytes(model);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, bytes) in expected)
            Assert.That(actual[name], Is.EqualTo(bytes), $"tensor {name} differs");
        Assert.That(trainer.History, Has.Count.EqualTo(3));
        for (int e = 0; e < 3; e++)
        {
            var (a, b) = (trainer.History[e], expectedHistory[e]);
            Assert.That((a.Epoch, a.LearningRate, a.TrainLoss, a.TrainAccuracy, a.TestLoss, a.TestAccuracy),
                Is.EqualTo((b.Epoch, b.LearningRate, b.TrainLoss, b.TrainAccuracy, b.TestLoss, b.TestAccuracy)), $"epoch {e + 1}");
        }
    }

    [Test]
    public void AChangedOptionIsRefusedNamingIt()
    {
        Interrupt(afterEpoch: 1);
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 3);
        var changed = Options() with { LearningRate = 0.05f };
        var trainer = new Trainer(model, changed) { ResumeFile = File(changed) };
        var e = Assert.Throws<ResumeMismatchException>(() => trainer.Resume())!;
        Assert.That(e.Option, Is.EqualTo("lr"));
        Assert.That(e.Message, Does.Contain("'lr'").And.Contain("0.1").And.Contain("0.05"));
    }

    [Test]
    public void ACorruptResumeFileIsRefused()
    {
        Interrupt(afterEpoch: 1);
        var bytes = System.IO.File.ReadAllBytes(ResumePath);
        bytes[^3] ^= 0x40; // a flipped bit in the last tensor's data: still a valid safetensors file
        System.IO.File.WriteAllBytes(ResumePath, bytes);

        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 3);
        var trainer = new Trainer(model, Options()) { ResumeFile = File(Options()) };
        Assert.That(() => trainer.Resume(), Throws.InstanceOf<CheckpointException>().With.Message.Contains("corrupt").And.Message.Contains("checksum"));

        System.IO.File.WriteAllBytes(ResumePath, bytes[..(bytes.Length / 2)]); // half-written
        Assert.That(() => trainer.Resume(), Throws.InstanceOf<CheckpointException>().With.Message.Contains("corrupt"));
    }

    [Test]
    public void NothingToResumeIsAnError()
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 3);
        var trainer = new Trainer(model, Options()) { ResumeFile = File(Options()) };
        Assert.That(() => trainer.Resume(), Throws.InstanceOf<CheckpointException>().With.Message.Contains("nothing to resume"));
    }
}
