using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Layers;

/// <summary>One stage's depth: its residual blocks, and how many downsampling blocks were replaced by their shortcut conv.</summary>
/// <param name="Stage">"layer1" (a ResNet stage: the blocks' common prefix) or "stage1" (a plain network's convs up to a pooling).</param>
/// <param name="Blocks">Residual blocks left in the stage, or convs of a plain network's stage.</param>
/// <param name="ReplacedDownsampling">Downsampling blocks that layer pruning replaced by their shortcut conv + BN + ReLU.</param>
public sealed record StageDepth(string Stage, int Blocks, int ReplacedDownsampling);

/// <summary>
/// The depth of a model stage by stage ("3-3-3" for resnet20, "1-2-3" after layer pruning): what layer pruning
/// took from where, which the FLOPs alone do not show (emptying the last stage and the first cost the same
/// FLOPs for very different accuracy).
/// </summary>
public static class DepthProfile
{
    public static IReadOnlyList<StageDepth> Of(ModelSpec spec) => IsResidual(spec) ? ResNetStages(spec) : PlainStages(spec);

    /// <summary>
    /// The stages of <paramref name="original"/> with their depth in <paramref name="pruned"/>: a stage layer
    /// pruning emptied shows as 0 rather than vanishing.
    /// </summary>
    public static IReadOnlyList<StageDepth> Of(ModelSpec pruned, ModelSpec original)
    {
        if (!IsResidual(original)) return Of(pruned);
        var now = ResNetStages(pruned).ToDictionary(s => s.Stage);
        return ResNetStages(original).Select(s => now.TryGetValue(s.Stage, out var d) ? d : new StageDepth(s.Stage, 0, 0)).ToList();
    }

    // A residual network, even one whose every block layer pruning removed (its shortcut convs remain).
    private static bool IsResidual(ModelSpec spec) =>
        spec.Layers.Any(l => l is BasicBlockSpec || l.Name.Contains(".shortcut.", StringComparison.Ordinal));

    /// <summary>"3-3-3"; a replaced downsampling block shows as "+s" ("2+s-3-3").</summary>
    public static string Format(IReadOnlyList<StageDepth> stages) =>
        string.Join("-", stages.Select(s => s.Blocks + (s.ReplacedDownsampling > 0 ? "+s" : "")));

    public static string Format(ModelSpec spec) => Format(Of(spec));

    /// <summary>The stage of a ResNet layer or block name: what comes before the first dot ("layer2.1.conv1" → "layer2").</summary>
    public static string StageOf(string layerName)
    {
        int dot = layerName.IndexOf('.');
        return dot < 0 ? layerName : layerName[..dot];
    }

    private static List<StageDepth> ResNetStages(ModelSpec spec)
    {
        var stages = new List<StageDepth>();
        foreach (var layer in spec.Layers)
        {
            bool block = layer is BasicBlockSpec;
            // A replaced downsampling block leaves "<stage>.<i>.shortcut.0", a conv outside any block.
            bool replaced = layer is ConvSpec c && c.Name.Contains(".shortcut.", StringComparison.Ordinal);
            if (!block && !replaced) continue;
            string stage = StageOf(layer.Name);
            int at = stages.FindIndex(s => s.Stage == stage);
            if (at < 0) { stages.Add(new StageDepth(stage, 0, 0)); at = stages.Count - 1; }
            stages[at] = block ? stages[at] with { Blocks = stages[at].Blocks + 1 }
                               : stages[at] with { ReplacedDownsampling = stages[at].ReplacedDownsampling + 1 };
        }
        return stages;
    }

    // Convs between poolings (the classifier's linear layers are not a stage).
    private static List<StageDepth> PlainStages(ModelSpec spec)
    {
        var stages = new List<StageDepth>();
        int convs = 0;
        foreach (var layer in spec.Layers)
        {
            if (layer is ConvSpec) convs++;
            else if (layer is PoolSpec && convs > 0)
            {
                stages.Add(new StageDepth($"stage{stages.Count + 1}", convs, 0));
                convs = 0;
            }
        }
        if (convs > 0) stages.Add(new StageDepth($"stage{stages.Count + 1}", convs, 0));
        return stages;
    }
}
