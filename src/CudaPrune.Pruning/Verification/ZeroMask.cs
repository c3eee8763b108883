using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Pruning.Verification;

/// <summary>
/// Entries of an unpruned model's tensors to set to zero so that it computes what a pruned model
/// computes: the testing aid behind the equivalence check (pruning itself never uses masks).
/// </summary>
public sealed class ZeroMask(IReadOnlyList<ZeroMask.Entry> entries)
{
    /// <summary>Set entries <paramref name="Indices"/> of dimension <paramref name="Dim"/> of tensor <paramref name="Tensor"/> to zero.</summary>
    public sealed record Entry(string Tensor, int Dim, int[] Indices);

    public IReadOnlyList<Entry> Entries { get; } = entries;

    /// <summary>Zeroes the entries in <paramref name="model"/>'s live tensors, on its backend.</summary>
    public void Apply(Model model)
    {
        var state = model.StateDict();
        var be = model.Backend;
        foreach (var e in Entries)
        {
            if (!state.TryGetValue(e.Tensor, out var t)) throw new ArgumentException($"model '{model.Spec.Name}' has no tensor '{e.Tensor}' to mask");
            if (e.Indices.Length == 0) continue;
            // No scatter-copy in the op set: t[idx] += -t[idx] gives exact zeros (x + (-x) = 0 in IEEE arithmetic).
            using var _ = DisposeScope.Begin();
            var picked = be.IndexSelect(t, e.Dim, e.Indices);
            be.Scale(picked, -1f);
            be.IndexAdd(t, e.Dim, e.Indices, picked);
        }
    }
}
