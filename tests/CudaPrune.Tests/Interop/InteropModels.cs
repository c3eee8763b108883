using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Interop;

namespace CudaPrune.Tests.Interop;

/// <summary>The model variants the interop tests cover: each zoo model as built, channel-pruned and layer-pruned.</summary>
public enum Variant
{
    Baseline,
    ChannelPruned,
    LayerPruned,
}

/// <summary>Models with random weights and batch-norm statistics far from their initial 0/1, so folding and import have something to get wrong.</summary>
public static class InteropModels
{
    /// <summary>
    /// The spec of a variant. The pruned ones are written here as the pruner's output looks: fewer channels
    /// (every prunable width cut, the tensors that meet them sliced to match) or whole layers/blocks removed.
    /// </summary>
    public static ModelSpec Spec(string name, Variant variant)
    {
        var spec = ModelZoo.Create(name);
        return variant switch
        {
            Variant.Baseline => spec,
            Variant.ChannelPruned => ChannelPruned(spec),
            Variant.LayerPruned => LayerPruned(spec),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    /// <summary>
    /// Seeded random tensors for every state-dict name of the spec: weights Kaiming-uniform (activations keep
    /// their scale through vgg16's depth), small biases, batch norms with statistics far from their initial 0/1.
    /// </summary>
    public static ModelWeights Weights(ModelSpec spec, int seed)
    {
        var rng = new Random(seed);
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var t in spec.StateTensors())
        {
            var values = new float[Shapes.Count(t.Shape)];
            string kind = t.Name[(t.Name.LastIndexOf('.') + 1)..];
            float bound = t.Shape.Length > 1 ? MathF.Sqrt(6f / (values.Length / t.Shape[0])) : 0.1f;
            (float low, float range) = (IsBatchNorm(spec, t.Name), kind) switch
            {
                (true, "running_var") => (0.5f, 1f),
                (true, "running_mean") => (-0.1f, 0.2f),
                (true, "weight") => (0.6f, 0.8f),
                _ => (-bound, 2 * bound),
            };
            for (int i = 0; i < values.Length; i++) values[i] = low + range * rng.NextSingle();
            tensors[t.Name] = values;
        }
        return new ModelWeights(spec, tensors);
    }

    /// <summary>A small VGG-style network (conv, batch norm, ReLU, pools, a conv with bias, average pooling): for structure tests that need no big model.</summary>
    public static ModelSpec TinyVgg() => new("tinyvgg", 3, 32, 32, 10,
    [
        new ConvSpec("features.0", 3, 8, 3, 1, 1),
        new BatchNormSpec("features.1", 8),
        new ReluSpec("features.2"),
        new MaxPoolSpec("features.3", 2, 2),
        new ConvSpec("features.4", 8, 12, 3, 2, 1, Bias: true),
        new BatchNormSpec("features.5", 12),
        new ReluSpec("features.6"),
        new AvgPoolSpec("features.7", 3, 2, 1),
        new FlattenSpec("flatten"),
        new LinearSpec("classifier", 12 * 4 * 4, 10),
    ]);

    /// <summary>A model's tensors under one name at a time, for tests that alter a few.</summary>
    public static ModelWeights Weights(string name, Variant variant, int seed = 7) => Weights(Spec(name, variant), seed);

    private static bool IsBatchNorm(ModelSpec spec, string tensor)
    {
        string layer = tensor[..tensor.LastIndexOf('.')];
        return spec.Layers.Any(l => l is BatchNormSpec b && b.Name == layer
            || l is BasicBlockSpec block && block.Parts.OfType<BatchNormSpec>().Any(p => p.Name == layer));
    }

    private static ModelSpec ChannelPruned(ModelSpec spec)
    {
        int Cut(int channels) => channels * 5 / 8;
        var layers = new List<LayerSpec>();
        int channels = spec.InputChannels;
        // In a ResNet the stem's width is the first stage's, tied to its residual sums: only the blocks' inner widths shrink.
        bool residual = spec.Layers.Any(l => l is BasicBlockSpec);
        foreach (var layer in spec.Layers)
        {
            switch (layer)
            {
                case ConvSpec c when !residual:
                    layers.Add(c with { InChannels = channels, OutChannels = Cut(c.OutChannels) });
                    channels = Cut(c.OutChannels);
                    break;
                case BatchNormSpec b when !residual:
                    layers.Add(b with { Channels = channels });
                    break;
                case BasicBlockSpec b:
                    // The residual branch's inner width only: the stage widths stay tied to the residual sums.
                    layers.Add(b with { MidChannels = Cut(b.MidChannels) });
                    break;
                case LinearSpec l:
                    var input = layers.Aggregate(spec.InputShape, (shape, previous) => previous.OutputShape(shape));
                    layers.Add(l with { InFeatures = checked((int)input.Count) });
                    break;
                default:
                    layers.Add(layer);
                    break;
            }
        }
        return spec with { Name = spec.Name + "-channel-pruned", Layers = layers };
    }

    private static ModelSpec LayerPruned(ModelSpec spec)
    {
        string[] removed = spec.Name switch
        {
            "simplecnn" => ["conv2", "relu2"],
            "vgg16" => ["features.3", "features.4", "features.5", "features.17", "features.18", "features.19", "features.37", "features.38", "features.39"],
            "resnet20" => ["layer1.2", "layer2.2", "layer3.1"],
            _ => throw new ArgumentException($"no layer-pruned variant of {spec.Name}"),
        };
        var pruned = spec.RemoveLayers(removed);
        // Without conv2, simplecnn's classifier sees 64 channels.
        if (spec.Name == "simplecnn") pruned = pruned.ReplaceLayer("fc", new LinearSpec("fc", 64 * 8 * 8, 10));
        return pruned with { Name = spec.Name + "-layer-pruned" };
    }
}
