using CudaPrune.Core.Models;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Verification;

namespace CudaPrune.Pruning.Layers;

/// <summary>
/// A layer-pruning decision: which candidates go, the rewritten spec, and the layers that had to be
/// rebuilt (re-initialised) because their input changed shape.
/// </summary>
public sealed class LayerPlan
{
    private LayerPlan(ModelSpec source, IReadOnlyList<LayerCandidate> removed, ModelSpec newSpec, IReadOnlyDictionary<string, string> rebuilt)
    {
        Source = source;
        Removed = removed;
        NewSpec = newSpec;
        Rebuilt = rebuilt;
    }

    public ModelSpec Source { get; }

    public IReadOnlyList<LayerCandidate> Removed { get; }

    /// <summary>The spec without the removed candidates (validated).</summary>
    public ModelSpec NewSpec { get; }

    /// <summary>Layers rebuilt with new initial values, with what changed ("in_features 8192 → 16384").</summary>
    public IReadOnlyDictionary<string, string> Rebuilt { get; }

    /// <summary>
    /// Removes the candidates from <paramref name="spec"/>: identity blocks and plain units go, a
    /// downsampling block becomes its shortcut conv + BN + ReLU (named as before, "layer2.0.shortcut.0",
    /// "layer2.0.shortcut.1", "layer2.0.relu", so their weights carry over). A conv whose input channels
    /// changed, or a linear whose input features changed, is rebuilt to fit.
    /// </summary>
    public static LayerPlan Create(ModelSpec spec, IReadOnlyList<LayerCandidate> removed)
    {
        var dropped = removed.Where(c => c.Kind != LayerCandidateKind.DownsamplingBlock).SelectMany(c => c.Layers).ToHashSet(StringComparer.Ordinal);
        var replaced = removed.Where(c => c.Kind == LayerCandidateKind.DownsamplingBlock).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in dropped.Concat(replaced)) spec.Layer(name); // throws naming an unknown layer
        var layers = new List<LayerSpec>();
        foreach (var layer in spec.Layers)
        {
            if (dropped.Contains(layer.Name)) continue;
            if (replaced.Contains(layer.Name) && layer is BasicBlockSpec b)
                layers.AddRange([b.ShortcutConv!, b.ShortcutBn!, new ReluSpec($"{b.Name}.relu")]);
            else layers.Add(layer);
        }
        var rebuilt = Refit(spec, layers);
        var newSpec = spec with { Layers = layers };
        newSpec.Validate();
        return new LayerPlan(spec, removed, newSpec, rebuilt);
    }

    /// <summary>Each tensor copied from its namesake, except those of rebuilt layers (fresh initial values from <paramref name="seed"/>).</summary>
    public CompactionPlan ToCompaction(long seed = 1)
    {
        var sources = NewSpec.StateTensors().ToDictionary(t => t.Name,
            t => Rebuilt.ContainsKey(t.Name[..t.Name.LastIndexOf('.')]) ? (TensorSource)FreshSource.Instance : GatherSource.Copy(t.Name),
            StringComparer.Ordinal);
        return new CompactionPlan(NewSpec, sources, seed);
    }

    /// <summary>
    /// For removed blocks: zero γ and β of each block's bn2, so the original's residual branch outputs 0
    /// and the block computes relu(shortcut(x)), as the pruned model does. A removed plain conv changes
    /// the function in a way no zeroing reproduces: then null, with <paramref name="reason"/>.
    /// </summary>
    public ZeroMask? ToMask(out string? reason)
    {
        var plain = Removed.FirstOrDefault(c => c.Kind == LayerCandidateKind.PlainConv);
        if (plain is not null)
        {
            reason = $"removing {plain} from a plain network is not a zeroing of the original: its output no longer passes through it";
            return null;
        }
        reason = null;
        var entries = new List<ZeroMask.Entry>();
        foreach (var c in Removed)
        {
            var block = (BasicBlockSpec)Source.Layer(c.Name);
            var all = Enumerable.Range(0, block.OutChannels).ToArray();
            entries.Add(new($"{block.Bn2.Name}.weight", 0, all));
            entries.Add(new($"{block.Bn2.Name}.bias", 0, all));
        }
        return new ZeroMask(entries);
    }

    /// <summary>Rewrites, in place, each conv or linear whose input no longer matches; returns what changed per rebuilt layer.</summary>
    private static Dictionary<string, string> Refit(ModelSpec spec, List<LayerSpec> layers)
    {
        var rebuilt = new Dictionary<string, string>(StringComparer.Ordinal);
        var x = spec.InputShape;
        for (int i = 0; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                case ConvSpec c when !x.IsFlat && c.InChannels != x.Channels:
                    rebuilt[c.Name] = $"in_channels {c.InChannels} → {x.Channels}";
                    layers[i] = c with { InChannels = x.Channels };
                    break;
                case LinearSpec f when x.IsFlat && f.InFeatures != x.Channels:
                    rebuilt[f.Name] = $"in_features {f.InFeatures} → {x.Channels}";
                    layers[i] = f with { InFeatures = x.Channels };
                    break;
            }
            x = layers[i].OutputShape(x); // throws naming the layer when the rest cannot fit
        }
        return rebuilt;
    }
}
