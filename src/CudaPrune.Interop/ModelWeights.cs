using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Interop;

/// <summary>
/// A model as plain data: its spec and one float array per state-dict name (what the exporter reads and
/// the importer produces), independent of any backend.
/// </summary>
public sealed record ModelWeights(ModelSpec Spec, IReadOnlyDictionary<string, float[]> Tensors)
{
    /// <summary>A copy of a live model's parameters and buffers.</summary>
    public static ModelWeights FromModel(Model model) =>
        new(model.Spec, model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal));

    /// <summary>
    /// The spec and tensors of a checkpoint written by <see cref="Checkpoint.Save"/> (checked against each other);
    /// non-finite tensors as <see cref="Checkpoint.Load(string, IBackend, Action{NonFiniteValues}?)"/> treats them.
    /// </summary>
    public static ModelWeights FromCheckpoint(string path, Action<NonFiniteValues>? acceptNonFinite = null)
    {
        using var backend = new CpuBackend();
        using var model = Checkpoint.Load(path, backend, acceptNonFinite);
        return FromModel(model);
    }

    /// <summary>The values of tensor <paramref name="name"/>; throws naming it when it is missing.</summary>
    public float[] this[string name] => Tensors.TryGetValue(name, out var v) ? v
        : throw new ArgumentException($"model '{Spec.Name}' has no tensor '{name}'");

    /// <summary>Throws when the tensors do not match the spec (missing, unexpected, wrong number of values).</summary>
    public void Validate()
    {
        Spec.Validate();
        var expected = Spec.StateTensors();
        var problems = new List<string>();
        foreach (var t in expected)
        {
            if (!Tensors.TryGetValue(t.Name, out var v)) problems.Add($"missing tensor '{t.Name}' {Shapes.Format(t.Shape)}");
            else if (v.LongLength != Shapes.Count(t.Shape))
                problems.Add($"tensor '{t.Name}' has {v.LongLength} values but {Shapes.Format(t.Shape)} needs {Shapes.Count(t.Shape)}");
        }
        var names = expected.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(Tensors.Keys.Where(k => !names.Contains(k)).Select(k => $"unexpected tensor '{k}': the spec has no such parameter or buffer"));
        if (problems.Count > 0)
            throw new ArgumentException($"tensors do not fit model '{Spec.Name}':\n  {string.Join("\n  ", problems.Take(12))}"
                + (problems.Count > 12 ? $"\n  ... and {problems.Count - 12} more" : ""));
    }

    /// <summary>A live model on <paramref name="backend"/> holding copies of these tensors.</summary>
    public Model Build(IBackend backend)
    {
        Validate();
        var shapes = Spec.StateTensors().ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using (DisposeScope.Suspend())
                foreach (var (name, values) in Tensors) state[name] = backend.FromArray(values, shapes[name]);
            return ModelBuilder.FromState(Spec, backend, state);
        }
        catch
        {
            foreach (var t in state.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Writes a checkpoint (spec in the metadata) that <see cref="Checkpoint.Load(string, IBackend, Action{NonFiniteValues}?)"/> reads.</summary>
    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        using var backend = new CpuBackend();
        using var model = Build(backend);
        Checkpoint.Save(model, path, extraMetadata);
    }
}
