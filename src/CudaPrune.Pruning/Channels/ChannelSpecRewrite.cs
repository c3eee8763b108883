using CudaPrune.Core.Models;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Graph;
using CudaPrune.Pruning.Specs;

namespace CudaPrune.Pruning.Channels;

/// <summary>The spec and the tensor gathers that follow from a <see cref="ChannelPlan"/>.</summary>
internal static class ChannelSpecRewrite
{
    public static ModelSpec Rewrite(ChannelPlan plan)
    {
        var spec = plan.Graph.Spec;
        int Count(string layer, ChannelRole role, int current) =>
            plan.Graph.Node(layer, role) is { } n ? plan.Kept[plan.Graph.GroupOf(n).Id].Length * n.BlockSize : current;

        var layers = spec.Layers.Select(l => l switch
        {
            ConvSpec c => c with { InChannels = Count(c.Name, ChannelRole.ConvIn, c.InChannels), OutChannels = Count(c.Name, ChannelRole.ConvOut, c.OutChannels) },
            BatchNormSpec b => b with { Channels = Count(b.Name, ChannelRole.BatchNorm, b.Channels) },
            LinearSpec f => f with { InFeatures = Count(f.Name, ChannelRole.LinearIn, f.InFeatures), OutFeatures = Count(f.Name, ChannelRole.LinearOut, f.OutFeatures) },
            BasicBlockSpec b => b with
            {
                InChannels = Count(b.Conv1.Name, ChannelRole.ConvIn, b.InChannels),
                MidChannels = Count(b.Conv1.Name, ChannelRole.ConvOut, b.MidChannels),
                OutChannels = Count(b.Conv2.Name, ChannelRole.ConvOut, b.OutChannels),
            },
            _ => l,
        }).ToList();
        var result = spec with { Layers = layers };
        result.Validate();
        return result;
    }

    /// <summary>For each tensor: its own old tensor, gathered along output (dim 0) then input (dim 1) channels where they shrink.</summary>
    public static Dictionary<string, TensorSource> Sources(ChannelPlan plan)
    {
        var sources = new Dictionary<string, TensorSource>(StringComparer.Ordinal);
        foreach (var leaf in SpecLeaves.Of(plan.Graph.Spec))
        {
            foreach (var t in leaf.StateTensors())
            {
                var selections = new List<DimSelection>();
                bool isWeight = t.Name.EndsWith(".weight", StringComparison.Ordinal);
                switch (leaf)
                {
                    case ConvSpec:
                        Add(selections, plan, leaf.Name, ChannelRole.ConvOut, 0);
                        if (isWeight) Add(selections, plan, leaf.Name, ChannelRole.ConvIn, 1);
                        break;
                    case BatchNormSpec:
                        Add(selections, plan, leaf.Name, ChannelRole.BatchNorm, 0);
                        break;
                    case LinearSpec:
                        Add(selections, plan, leaf.Name, ChannelRole.LinearOut, 0);
                        if (isWeight) Add(selections, plan, leaf.Name, ChannelRole.LinearIn, 1);
                        break;
                }
                sources[t.Name] = new GatherSource(t.Name, selections);
            }
        }
        return sources;
    }

    private static void Add(List<DimSelection> selections, ChannelPlan plan, string layer, ChannelRole role, int dim)
    {
        if (plan.Graph.Node(layer, role) is not { } node) return;
        var group = plan.Graph.GroupOf(node);
        if (!plan.IsPruned(group)) return;
        selections.Add(new DimSelection(dim, Expand(plan.Kept[group.Id], node.BlockSize)));
    }

    /// <summary>Channel indices → column indices when each channel owns <paramref name="block"/> consecutive columns (c·B ... c·B+B-1).</summary>
    private static int[] Expand(int[] channels, int block) =>
        block == 1 ? channels : channels.SelectMany(c => Enumerable.Range(c * block, block)).ToArray();
}
