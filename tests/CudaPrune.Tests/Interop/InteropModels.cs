using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Interop;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Layers;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Tests.Interop;

/// <summary>The model variants the interop tests cover: each zoo model as built, channel-pruned and layer-pruned (by CudaPrune.Pruning).</summary>
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

    /// <summary>
    /// A zoo model with seeded random tensors, pruned by the pruning engine for the pruned variants:
    /// half its prunable channels by L1 norm (the tensors become smaller), or 40% of its removable
    /// layers (ResNet blocks, VGG/simple convs) by L1 norm.
    /// </summary>
    public static ModelWeights Weights(string name, Variant variant, int seed = 7)
    {
        var baseline = Weights(ModelZoo.Create(name), seed);
        if (variant == Variant.Baseline) return baseline;
        using var cpu = new CpuBackend();
        using var model = baseline.Build(cpu);
        model.Eval();
        var result = variant == Variant.ChannelPruned
            ? ChannelPruner.Prune(model, new ChannelPruneOptions { Target = PruneTarget.Ratio(0.5), DisposeSource = false })
            : LayerPruner.Prune(model, new LayerPruneOptions { Target = PruneTarget.Ratio(0.4), DisposeSource = false });
        using var pruned = result.Model;
        return ModelWeights.FromModel(pruned);
    }

    private static bool IsBatchNorm(ModelSpec spec, string tensor)
    {
        string layer = tensor[..tensor.LastIndexOf('.')];
        return spec.Layers.Any(l => l is BatchNormSpec b && b.Name == layer
            || l is BasicBlockSpec block && block.Parts.OfType<BatchNormSpec>().Any(p => p.Name == layer));
    }
}
