using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Core.Training;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>The whole CUDA backend path — every kernel family, autograd, the optimizer — trains like the CPU backend.</summary>
[Category("Emulated")]
[NonParallelizable] // redirects the console
public class EmulatedTrainingTests
{
    private const int Images = 8, Steps = 4;

    // conv+BN+ReLU, max pooling, a residual block with a projection shortcut (stride 2), global average
    // pooling, linear: every op family of a training step, on 16x16 images so the emulator stays quick.
    private static readonly ModelSpec Tiny = new("tiny", 3, 16, 16, 10,
    [
        new ConvSpec("conv1", 3, 8, 3, 1, 1),
        new BatchNormSpec("bn1", 8),
        new ReluSpec("relu"),
        new MaxPoolSpec("pool", 2, 2),
        new BasicBlockSpec("block", 8, 12, 16, Stride: 2, Shortcut: ShortcutKind.Projection),
        new GlobalAvgPoolSpec("avgpool"),
        new LinearSpec("linear", 16, 10),
    ]);

    [Test]
    public void AFewTrainingStepsGiveTheSameLossesAsTheCpuBackend()
    {
        using var device = EmulatedDevice.OpenBackend();
        using var cpu = new CpuBackend(useFastPaths: false);

        var onDevice = TrainingLosses(device);
        var onCpu = TrainingLosses(cpu);

        // Each step's float reductions differ from the reference's double ones by ~1e-7 relative and four
        // SGD steps (lr 0.05, momentum 0.9) carry that into the weights: the losses (~2.3) differ by ~2e-7
        // here. 2e-5 leaves room for another reduction order; a wrong kernel moves them by 1e-3 and more.
        Assert.That(onDevice, Is.EqualTo(onCpu).Within(2e-5));
        Assert.That(onCpu[^1], Is.LessThan(onCpu[0]), "the steps learn (else equal losses would prove little)");
    }

    [Test]
    public void TheTrainCommandRunsOnTheEmulatedDeviceAndMatchesTheCpu()
    {
        EmulatedDevice.Open().Dispose(); // ignored (or failed under CI) without the emulator
        using var cifar = new CifarFixture(trainPerClass: 3, testPerClass: 2);
        var data = cifar.WriteBatchesFolder(cifar.Folder("data"));

        CliRunner.Outcome Train(string device) => CliRunner.Run(["train", "--model", "simplecnn", "--device", device, "--epochs", "1",
            "--train-subset", "20", "--batch", "10", "--data", data, "--out", cifar.Folder($"run-{device}")]);
        var emulated = Train("emulated");
        var cpu = Train("cpu");

        Assert.That(emulated.ExitCode, Is.Zero, emulated.Error);
        Assert.That(emulated.Out, Does.Contain("device: emulated").And.Contain("wrote"));
        Assert.That(cpu.ExitCode, Is.Zero, cpu.Error);
        // The printed losses and accuracies (4 decimals) agree: the two paths differ by ~1e-7.
        Assert.That(Results(emulated.Out), Is.EqualTo(Results(cpu.Out)).And.Not.Empty);
    }

    // "epoch 1: train loss 2.3689 acc 10.16 % | test loss 2.2469 acc 16.05 % | ..." without the speed.
    private static string[] Results(string output) =>
        output.Split('\n').Where(l => l.StartsWith("epoch 1:", StringComparison.Ordinal)).Select(l => string.Join('|', l.Split('|').Take(2))).ToArray();

    private static float[] TrainingLosses(IBackend be)
    {
        using var model = ModelBuilder.Build(Tiny, be, seed: 7);
        using var sgd = new SgdOptimizer(model.NamedParameters().Select(kv => (kv.Key, kv.Value)), learningRate: 0.05f, momentum: 0.9f, weightDecay: 5e-4f);
        var random = new Random(3);
        var images = Enumerable.Range(0, Images * 3 * 16 * 16).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var labels = Enumerable.Range(0, Images).Select(i => i % 10).ToArray();
        model.Train();
        var losses = new float[Steps];
        for (int step = 0; step < Steps; step++)
        {
            using var scope = DisposeScope.Begin();
            model.ZeroGrad();
            var loss = Ops.CrossEntropy(model.Forward(be.FromArray(images, [Images, 3, 16, 16])), be.FromArray(labels, [Images]), labelSmoothing: 0.1f);
            loss.Backward();
            sgd.Step();
            losses[step] = loss.ToArray()[0];
        }
        return losses;
    }
}
