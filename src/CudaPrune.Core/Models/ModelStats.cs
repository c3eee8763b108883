namespace CudaPrune.Core.Models;

/// <summary>
/// Output shapes, parameter counts and FLOPs of every layer, from the spec alone (no weights, no backend),
/// for one input sample. Pruning targets (<c>--target-flops</c>) and reports are measured with it.
/// </summary>
/// <remarks>
/// What is counted, per sample:
/// <list type="bullet">
/// <item>conv and linear: 2 × multiply-adds, plus one add per output when there is a bias;</item>
/// <item>batch norm: 2 per element (scale and shift, its inference form);</item>
/// <item>ReLU: 1 per element; residual add: 1 per element;</item>
/// <item>max and average pooling: 1 per window element read (K·K per output); global average pooling: 1 per input element;</item>
/// <item>flatten: 0.</item>
/// </list>
/// Parameters are the trainable tensors (conv/linear weights and biases, batch-norm gamma and beta);
/// batch-norm running statistics are buffers and are not counted.
/// A residual block gives one row per part (conv1, bn1, conv2, bn2, shortcut.0, shortcut.1) and one
/// row named after the block, kind "residual", for its two ReLUs and its add.
/// </remarks>
public sealed class ModelStats
{
    private ModelStats(ModelSpec spec, IReadOnlyList<LayerStats> layers)
    {
        Spec = spec;
        Layers = layers;
        Params = layers.Sum(l => l.Params);
        Flops = layers.Sum(l => l.Flops);
    }

    public ModelSpec Spec { get; }
    public IReadOnlyList<LayerStats> Layers { get; }

    /// <summary>Trainable parameters of the whole model.</summary>
    public long Params { get; }

    /// <summary>FLOPs of one forward pass for one sample.</summary>
    public long Flops { get; }

    /// <summary>The statistics of a spec (validated first).</summary>
    public static ModelStats Compute(ModelSpec spec)
    {
        var shapes = spec.InferShapes();
        var rows = new List<LayerStats>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var input = shapes[i];
            if (layer is BasicBlockSpec block) AddBlockRows(rows, block, input);
            else rows.Add(Row(layer, input));
        }
        return new ModelStats(spec, rows);
    }

    private static void AddBlockRows(List<LayerStats> rows, BasicBlockSpec block, FeatureShape input)
    {
        var x = input;
        long partsFlops = 0;
        foreach (var part in new LayerSpec[] { block.Conv1, block.Bn1, block.Conv2, block.Bn2 })
        {
            rows.Add(Row(part, x));
            partsFlops += rows[^1].Flops;
            x = rows[^1].Output;
        }
        if (block.ShortcutConv is { } sc)
        {
            rows.Add(Row(sc, input));
            rows.Add(Row(block.ShortcutBn!, rows[^1].Output));
            partsFlops += rows[^2].Flops + rows[^1].Flops;
        }
        // What remains of the block's cost is its elementwise work (two ReLUs, the add).
        var total = block.Cost(input);
        rows.Add(new LayerStats(block.Name, "residual", input, block.OutputShape(input), 0, total.Flops - partsFlops));
    }

    private static LayerStats Row(LayerSpec layer, FeatureShape input)
    {
        var cost = layer.Cost(input);
        return new LayerStats(layer.Name, KindOf(layer), input, layer.OutputShape(input), cost.Params, cost.Flops);
    }

    /// <summary>The JSON type name of a layer ("conv", "batchnorm", ...).</summary>
    public static string KindOf(LayerSpec layer) => layer.GetType().Name.Replace("Spec", "").ToLowerInvariant();
}
