using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Layers;

/// <summary>The blocks or layers of a spec that layer pruning may remove.</summary>
public static class LayerCandidates
{
    /// <summary>
    /// A ResNet (a spec with residual blocks): its identity blocks, plus its downsampling blocks with
    /// <paramref name="allowDownsample"/>; the stem conv and the classifier are never candidates.
    /// A plain network: every conv with what follows it up to the next conv, flatten or linear
    /// (batch norm, ReLU, pooling), except the first with <paramref name="protectFirst"/>.
    /// Candidates touching a <paramref name="protect"/>ed name are left out.
    /// </summary>
    public static List<LayerCandidate> Find(ModelSpec spec, bool allowDownsample, bool protectFirst, IReadOnlyCollection<string> protect)
    {
        var found = spec.Layers.Any(l => l is BasicBlockSpec) ? Blocks(spec, allowDownsample) : PlainConvs(spec, protectFirst);
        return found.Where(c => !protect.Any(p => c.Layers.Any(l => l == p || l.StartsWith(p + ".", StringComparison.Ordinal) || p.StartsWith(l + ".", StringComparison.Ordinal)))).ToList();
    }

    private static IEnumerable<LayerCandidate> Blocks(ModelSpec spec, bool allowDownsample)
    {
        foreach (var b in spec.Layers.OfType<BasicBlockSpec>())
        {
            if (b.Shortcut == ShortcutKind.Projection && !allowDownsample) continue;
            var kind = b.Shortcut == ShortcutKind.Identity ? LayerCandidateKind.IdentityBlock : LayerCandidateKind.DownsamplingBlock;
            yield return new LayerCandidate(b.Name, kind, [b.Name], [b.Conv1.Name, b.Conv2.Name], b.Bn2.Name);
        }
    }

    private static IEnumerable<LayerCandidate> PlainConvs(ModelSpec spec, bool protectFirst)
    {
        bool first = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i] is not ConvSpec conv) continue;
            var unit = new List<string> { conv.Name };
            string gate = conv.Name;
            for (int j = i + 1; j < spec.Layers.Count && spec.Layers[j] is BatchNormSpec or ReluSpec or PoolSpec; j++)
            {
                unit.Add(spec.Layers[j].Name);
                if (spec.Layers[j] is BatchNormSpec bn && gate == conv.Name) gate = bn.Name;
            }
            if (!(first && protectFirst)) yield return new LayerCandidate(conv.Name, LayerCandidateKind.PlainConv, unit, [conv.Name], gate);
            first = false;
        }
    }
}
