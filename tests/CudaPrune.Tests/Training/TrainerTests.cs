using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Training;

namespace CudaPrune.Tests.Training;

public class TrainerTests
{
    private static TrainOptions Options(int epochs = 4) => new()
    {
        Epochs = epochs, BatchSize = 16, LearningRate = 0.1f, Schedule = "constant", WeightDecay = 0f, Seed = 3, EvalBatchSize = 32,
    };

    [Test]
    public void LearnsASeparableTask()
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
        var trainer = new Trainer(model, Options(epochs: 6));
        var summary = trainer.Fit(TinyTask.Data(64, seed: 1), TinyTask.Data(32, seed: 2));

        Assert.That(trainer.History, Has.Count.EqualTo(6));
        Assert.That(trainer.History[^1].TrainLoss, Is.LessThan(trainer.History[0].TrainLoss), "the loss must fall");
        Assert.That(summary.TestAccuracy, Is.GreaterThan(0.9), "dark vs bright is learnable by a conv + BN + linear");
    }

    [Test]
    public void QueuingStepsBeforeReadingGivesTheSameHistory()
    {
        List<EpochMetrics> Run(int readEvery)
        {
            using var backend = new CpuBackend();
            using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
            var trainer = new Trainer(model, Options(epochs: 2)) { ReadEvery = readEvery };
            trainer.Fit(TinyTask.Data(64, seed: 1), null);
            return [.. trainer.History];
        }

        var eager = Run(1);
        var queued = Run(3); // 4 steps per epoch: a flush of 3, then the epoch's last
        for (int e = 0; e < eager.Count; e++)
        {
            Assert.That(queued[e].TrainLoss, Is.EqualTo(eager[e].TrainLoss).Within(1e-12));
            Assert.That(queued[e].TrainAccuracy, Is.EqualTo(eager[e].TrainAccuracy));
        }
    }

    [TestCase(1)]
    [TestCase(4)]
    public void ANaNLossStopsAtTheStepWhereItAppeared(int readEvery)
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
        var fcBias = model.NamedParameters().Single(kv => kv.Key == "fc.bias").Value;
        backend.Fill(fcBias, float.NaN);
        var trainer = new Trainer(model, Options()) { ReadEvery = readEvery };

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(TinyTask.Data(64, seed: 1), null))!;
        Assert.That((e.Epoch, e.Step), Is.EqualTo((1, 1)));
        Assert.That(e.Message, Does.Contain("epoch 1, step 1"));
    }

    [Test]
    public void ANonFiniteGradientIsFoundNamingTheParameter()
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
        var parameters = model.NamedParameters().Select(kv => (kv.Key, kv.Value)).ToList();
        foreach (var (_, p) in parameters) p.Grad = backend.Zeros(p.Shape);
        Assert.That(Trainer.FirstNonFiniteGradient(parameters), Is.Null);

        var (name, param) = parameters[2];
        var g = param.Grad!.Span<float>();
        g[1] = float.PositiveInfinity;
        g[3] = float.NaN;
        parameters[3].Value.Grad!.Span<float>()[0] = float.NaN; // a later one: the first bad parameter is named
        var bad = Trainer.FirstNonFiniteGradient(parameters)!;
        Assert.That((bad.TensorName, bad.Count, bad.FirstIndex), Is.EqualTo((name, 2L, 1L)));
        var e = new TrainingDivergedException(2, 7, bad);
        Assert.That((e.Epoch, e.Step, e.Parameter), Is.EqualTo((2, 7, name)));
        Assert.That(e.Message, Does.Contain($"gradient of '{name}'").And.Contain("epoch 2, step 7").And.Contain("2 non-finite"));
    }

    [Test]
    public void SlimmingShrinksBatchNormScales()
    {
        double MeanAbsGamma(float slimming)
        {
            using var backend = new CpuBackend();
            using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
            new Trainer(model, Options(epochs: 3) with { Slimming = slimming }).Fit(TinyTask.Data(64, seed: 1), null);
            var bn = (BatchNorm2d)model.Module("bn1");
            return bn.Weight.ToArray().Average(v => Math.Abs(v));
        }

        Assert.That(MeanAbsGamma(0.05f), Is.LessThan(MeanAbsGamma(0f)));
    }

    [Test]
    public void RefusesATrainingSetSmallerThanOneBatch()
    {
        using var backend = new CpuBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
        var trainer = new Trainer(model, Options());
        Assert.That(() => trainer.Fit(TinyTask.Data(8, seed: 1), null),
            Throws.ArgumentException.With.Message.Contains("fewer than one batch"));
    }

    [Test]
    public void InvalidOptionsAreRefusedWithTheOptionName()
    {
        Assert.That(() => (Options() with { Epochs = 0 }).Validate(), Throws.ArgumentException.With.Message.Contains("--epochs"));
        Assert.That(() => (Options() with { Schedule = "linear" }).Validate(), Throws.ArgumentException.With.Message.Contains("--schedule"));
        Assert.That(() => (Options() with { LabelSmoothing = 1f }).Validate(), Throws.ArgumentException.With.Message.Contains("--label-smoothing"));
        Assert.That(() => (Options() with { LearningRate = float.NaN }).Validate(), Throws.ArgumentException.With.Message.Contains("--lr"));
    }
}
