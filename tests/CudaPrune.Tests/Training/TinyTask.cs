using CudaPrune.Core.Data;
using CudaPrune.Core.Models;

namespace CudaPrune.Tests.Training;

/// <summary>A learnable toy task for trainer tests: dark images are class 0, bright ones class 1; and a tiny CNN.</summary>
internal static class TinyTask
{
    public static CifarDataset Data(int count, int seed)
    {
        var rng = new Random(seed);
        var images = new byte[count * Cifar10.ImageBytes];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            int baseValue = labels[i] == 0 ? 40 : 200;
            for (int p = 0; p < Cifar10.ImageBytes; p++)
                images[i * Cifar10.ImageBytes + p] = (byte)Math.Clamp(baseValue + rng.Next(-30, 31), 0, 255);
        }
        return new CifarDataset(images, labels);
    }

    /// <summary>conv 3→4, BN, ReLU, global average pool, linear 4→10.</summary>
    public static ModelSpec Spec() => new("tiny", 3, 32, 32, 10,
    [
        new ConvSpec("conv1", 3, 4, 3, 1, 1),
        new BatchNormSpec("bn1", 4),
        new ReluSpec("relu1"),
        new GlobalAvgPoolSpec("pool"),
        new LinearSpec("fc", 4, 10),
    ]);
}
