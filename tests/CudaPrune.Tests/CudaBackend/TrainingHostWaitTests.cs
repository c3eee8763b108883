using CudaPrune.Core.Models;
using CudaPrune.Core.Training;
using CudaPrune.Tests.Training;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// The trainer on the CUDA backend (emulated) waits for the device only to read the losses of the queued
/// steps: every ReadEvery steps, uploads of each batch counted as the device counts them.
/// </summary>
[Category("Emulated")]
public class TrainingHostWaitTests
{
    [Test]
    public void ATrainingLoopWaitsOnlyToReadItsLossesOncePerReadEverySteps()
    {
        const int images = 48, batch = 4, readEvery = 4; // 12 steps: reads after steps 4, 8 and 12
        CountingGpu? gpu = null;
        using var backend = EmulatedDevice.OpenBackend(g => gpu = new CountingGpu(g));
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);
        var options = new TrainOptions { Epochs = 1, BatchSize = batch, LearningRate = 0.05f, Schedule = "constant", Seed = 3 };
        var trainer = new Trainer(model, options) { ReadEvery = readEvery };
        gpu!.ClearTimeline();
        int uploadsBefore = gpu.Uploads;

        trainer.Fit(TinyTask.Data(images, seed: 1), test: null);

        // "UULL…LWWWW…WUULL…": the queued work of ReadEvery steps, then the reads of their losses and logits and of the gradients.
        string timeline = gpu.Timeline;
        string[] work = timeline.Split('W', StringSplitOptions.RemoveEmptyEntries);
        string[] waits = timeline.Split(['U', 'L'], StringSplitOptions.RemoveEmptyEntries);
        Assert.That(gpu.Uploads - uploadsBefore, Is.EqualTo(2 * images / batch), "each step uploads its images and labels");
        Assert.That(work, Has.Length.EqualTo(images / batch / readEvery), "no step waits: the waits come only between runs of ReadEvery steps");
        Assert.That(work.Select(w => w.Count(c => c == 'U')), Is.All.EqualTo(2 * readEvery));
        int gradients = trainer.Optimizer.Parameters.Count();
        Assert.That(waits.Select(w => w.Length), Is.All.EqualTo(2 * readEvery + gradients),
            "the waits are the reads of each queued step's loss and logits and of the last step's gradients (the finite check): the first drains the queue, the rest find it idle");
        Assert.That(timeline, Does.EndWith("W"));
        Assert.That(trainer.ReadEvery, Is.EqualTo(readEvery));
    }

    [Test]
    public void OnADeviceTheTrainerQueuesSixteenStepsBetweenReads()
    {
        using var backend = EmulatedDevice.OpenBackend();
        using var model = ModelBuilder.Build(TinyTask.Spec(), backend, seed: 1);

        Assert.That(new Trainer(model, new TrainOptions()).ReadEvery, Is.EqualTo(16));
    }
}
