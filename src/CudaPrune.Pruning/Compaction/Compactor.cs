using CudaPrune.Core.Backends;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Core.Training;

namespace CudaPrune.Pruning.Compaction;

/// <summary>
/// Physical compaction: builds the smaller model of a <see cref="CompactionPlan"/> with its tensors
/// gathered from the old model by the backend's IndexSelect (a gather kernel on the GPU: the weights
/// never leave the device), then frees the old model. The optimizer's momentum is compacted the same way.
/// </summary>
public static class Compactor
{
    /// <summary>
    /// The compacted model, in the same train/eval mode as <paramref name="source"/>. With
    /// <paramref name="disposeSource"/> the old model's buffers are freed once the new one exists.
    /// </summary>
    public static Model Compact(Model source, CompactionPlan plan, bool disposeSource = true)
    {
        var be = source.Backend;
        var old = source.StateDict();
        var gathered = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Model result;
        try
        {
            foreach (var (name, src) in plan.Sources)
                if (src is GatherSource g) gathered[name] = Gather(be, Lookup(old, g.From, source.Spec.Name), g);
            result = plan.HasFresh ? BuildAndFill(plan, be, gathered) : ModelBuilder.FromState(plan.NewSpec, be, gathered);
        }
        catch
        {
            foreach (var t in gathered.Values) t.Dispose();
            throw;
        }
        if (!source.IsTraining) result.Eval();
        if (disposeSource) source.Dispose();
        return result;
    }

    /// <summary>
    /// The momentum buffers of the compacted model's parameters, gathered like the parameters; those of
    /// removed or re-initialised layers are left out (they restart at zero). The old buffers are not
    /// touched: <see cref="SgdOptimizer.Rebind"/> disposes them.
    /// </summary>
    public static Dictionary<string, Tensor> CompactMomentum(IReadOnlyDictionary<string, Tensor> momentum, CompactionPlan plan)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, src) in plan.Sources)
                if (src is GatherSource g && momentum.TryGetValue(g.From, out var buf))
                    result[name] = Gather(buf.Backend, buf, g);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Points <paramref name="optimizer"/> at the compacted model's parameters, with its momentum compacted.</summary>
    public static void Rebind(SgdOptimizer optimizer, Model compacted, CompactionPlan plan)
    {
        var momentum = CompactMomentum(optimizer.MomentumBuffers, plan);
        optimizer.Rebind(compacted.NamedParameters().Select(kv => (kv.Key, kv.Value)), momentum);
    }

    /// <summary>A new long-lived tensor: <paramref name="t"/> gathered along each selection in turn.</summary>
    private static Tensor Gather(IBackend be, Tensor t, GatherSource g)
    {
        using var _ = DisposeScope.Suspend();
        if (g.Selections.Count == 0)
        {
            var copy = be.Empty(t.Shape, t.DType);
            be.Copy(t, copy);
            return copy;
        }
        var current = t;
        foreach (var s in g.Selections)
        {
            var next = be.IndexSelect(current, s.Dim, s.Indices);
            if (!ReferenceEquals(current, t)) current.Dispose();
            current = next;
        }
        return current;
    }

    /// <summary>A model with fresh initial values everywhere, then the gathered tensors copied over theirs.</summary>
    private static Model BuildAndFill(CompactionPlan plan, IBackend be, Dictionary<string, Tensor> gathered)
    {
        var model = ModelBuilder.Build(plan.NewSpec, be, plan.Seed);
        var own = model.StateDict();
        foreach (var (name, t) in gathered)
        {
            be.Copy(t, own[name]);
            t.Dispose();
        }
        gathered.Clear();
        return model;
    }

    private static Tensor Lookup(IReadOnlyDictionary<string, Tensor> state, string name, string model) =>
        state.TryGetValue(name, out var t) ? t : throw new ArgumentException($"model '{model}' has no tensor '{name}' that the compaction plan gathers from");
}
