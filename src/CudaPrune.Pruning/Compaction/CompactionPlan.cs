using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Compaction;

/// <summary>
/// The recipe of a pruned model: its rewritten spec and, for each of its tensors (and each optimizer
/// momentum buffer, which has the same name as its parameter), where the values come from.
/// </summary>
public sealed class CompactionPlan
{
    public CompactionPlan(ModelSpec newSpec, IReadOnlyDictionary<string, TensorSource> sources, long seed)
    {
        newSpec.Validate();
        var missing = newSpec.StateTensors().Select(t => t.Name).Where(n => !sources.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"compaction plan of '{newSpec.Name}' has no source for {string.Join(", ", missing)}");
        NewSpec = newSpec;
        Sources = sources;
        Seed = seed;
    }

    public ModelSpec NewSpec { get; }

    /// <summary>The source of every tensor of <see cref="NewSpec"/>, by state-dict name.</summary>
    public IReadOnlyDictionary<string, TensorSource> Sources { get; }

    /// <summary>Seed of the initial values of <see cref="FreshSource"/> tensors.</summary>
    public long Seed { get; }

    /// <summary>Some layer is rebuilt with new initial values.</summary>
    public bool HasFresh => Sources.Values.Any(s => s is FreshSource);
}
