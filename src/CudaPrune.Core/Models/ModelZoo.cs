namespace CudaPrune.Core.Models;

/// <summary>The specs of the built-in CIFAR-10 networks (input [3,32,32], 10 classes).</summary>
public static class ModelZoo
{
    public static IReadOnlyList<string> Names { get; } = ["simplecnn", "vgg11", "vgg16", "resnet20", "resnet32", "resnet56"];

    /// <summary>The spec of a built-in model by name (case-insensitive); throws listing the known names otherwise.</summary>
    public static ModelSpec Create(string name) => name.ToLowerInvariant() switch
    {
        "simplecnn" => SimpleCnn(),
        "vgg11" => Vgg("vgg11", [64, Pool, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool]),
        "vgg16" => Vgg("vgg16", [64, 64, Pool, 128, 128, Pool, 256, 256, 256, Pool, 512, 512, 512, Pool, 512, 512, 512, Pool]),
        "resnet20" => CifarResNet("resnet20", 3),
        "resnet32" => CifarResNet("resnet32", 5),
        "resnet56" => CifarResNet("resnet56", 9),
        _ => throw new ArgumentException($"unknown model '{name}'; known models: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// The seed article's network: conv 3→64 (3x3, pad 1), ReLU, maxpool 2, conv 64→128, ReLU,
    /// maxpool 2, flatten, linear 128·8·8 = 8192 → 10. Convs and linear have biases (PyTorch's defaults).
    /// </summary>
    private static ModelSpec SimpleCnn() => new("simplecnn", 3, 32, 32, 10,
    [
        new ConvSpec("conv1", 3, 64, 3, 1, 1, Bias: true),
        new ReluSpec("relu1"),
        new MaxPoolSpec("pool1", 2, 2),
        new ConvSpec("conv2", 64, 128, 3, 1, 1, Bias: true),
        new ReluSpec("relu2"),
        new MaxPoolSpec("pool2", 2, 2),
        new FlattenSpec("flatten"),
        new LinearSpec("fc", 128 * 8 * 8, 10),
    ]);

    private const int Pool = 0;

    /// <summary>
    /// The common CIFAR VGG with batch norm: per entry of <paramref name="config"/> a conv3x3 (pad 1) +
    /// BN + ReLU, or a 2x2 maxpool (<see cref="Pool"/>), all in the Sequential "features" (indices as in
    /// PyTorch: features.0 conv, features.1 bn, features.2 relu ...); then flatten and the single linear
    /// "classifier" 512→10. The convs have no bias: the batch norm right after it would cancel it.
    /// </summary>
    private static ModelSpec Vgg(string name, int[] config)
    {
        var layers = new List<LayerSpec>();
        int channels = 3, size = 32;
        foreach (var entry in config)
        {
            string id = $"features.{layers.Count}";
            if (entry == Pool)
            {
                layers.Add(new MaxPoolSpec(id, 2, 2));
                size /= 2;
                continue;
            }
            layers.Add(new ConvSpec(id, channels, entry, 3, 1, 1));
            layers.Add(new BatchNormSpec($"features.{layers.Count}", entry));
            layers.Add(new ReluSpec($"features.{layers.Count}"));
            channels = entry;
        }
        layers.Add(new FlattenSpec("flatten"));
        layers.Add(new LinearSpec("classifier", channels * size * size, 10));
        return new ModelSpec(name, 3, 32, 32, 10, layers);
    }

    /// <summary>
    /// He et al. 2016's CIFAR ResNet of depth 6n+2: conv1 3→16 + bn1 + ReLU, three stages layer1..layer3
    /// of n basic blocks with 16, 32, 64 channels (stride 2 and a projection shortcut at the first block
    /// of stages 2 and 3), global average pooling, linear 64→10 named "linear".
    /// </summary>
    private static ModelSpec CifarResNet(string name, int blocksPerStage)
    {
        var layers = new List<LayerSpec>
        {
            new ConvSpec("conv1", 3, 16, 3, 1, 1),
            new BatchNormSpec("bn1", 16),
            new ReluSpec("relu"),
        };
        int channels = 16;
        int[] widths = [16, 32, 64];
        for (int stage = 0; stage < widths.Length; stage++)
        {
            for (int b = 0; b < blocksPerStage; b++)
            {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                var shortcut = stride != 1 || channels != widths[stage] ? ShortcutKind.Projection : ShortcutKind.Identity;
                layers.Add(new BasicBlockSpec($"layer{stage + 1}.{b}", channels, widths[stage], widths[stage], stride, shortcut));
                channels = widths[stage];
            }
        }
        layers.Add(new GlobalAvgPoolSpec("avgpool"));
        layers.Add(new LinearSpec("linear", channels, 10));
        return new ModelSpec(name, 3, 32, 32, 10, layers);
    }
}
