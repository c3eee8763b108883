using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Models;

/// <summary>What is wrong with one tensor of a state dict, measured against a spec.</summary>
public enum StateDictProblemKind
{
    /// <summary>The spec expects the tensor; it is not there.</summary>
    Missing,
    /// <summary>The tensor is there; the spec has no such parameter or buffer.</summary>
    Unexpected,
    /// <summary>The tensor has another shape than the spec says.</summary>
    WrongShape,
    /// <summary>The tensor is not float32.</summary>
    WrongDType,
}

/// <summary>One mismatch between a state dict and a spec, with a message naming the tensor.</summary>
public sealed record StateDictProblem(StateDictProblemKind Kind, string TensorName, string Message)
{
    public override string ToString() => Message;
}

/// <summary>Compares a set of named tensor shapes (a checkpoint, a state dict) with what a spec expects.</summary>
public static class StateDictCheck
{
    /// <summary>
    /// One problem per tensor the spec expects that is missing, per tensor it does not expect, per tensor
    /// with another shape. Empty when they match. BatchNorm's num_batches_tracked (saved by PyTorch) is
    /// accepted and ignored where the spec has that batch norm.
    /// </summary>
    public static List<StateDictProblem> Problems(ModelSpec spec, IEnumerable<KeyValuePair<string, int[]>> actual)
    {
        var expected = spec.StateTensors().ToDictionary(t => t.Name, StringComparer.Ordinal);
        var problems = new List<StateDictProblem>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in actual)
        {
            present.Add(name);
            if (expected.TryGetValue(name, out var want))
            {
                if (!Shapes.Equal(want.Shape, shape))
                    problems.Add(new(StateDictProblemKind.WrongShape, name,
                        $"tensor '{name}' has shape {Shapes.Format(shape)} but the spec expects {Shapes.Format(want.Shape)}"));
            }
            else if (!IsIgnored(name, expected))
            {
                problems.Add(new(StateDictProblemKind.Unexpected, name,
                    $"unexpected tensor '{name}' {Shapes.Format(shape)}: the spec has no such parameter or buffer"));
            }
        }
        foreach (var want in expected.Values)
            if (!present.Contains(want.Name))
                problems.Add(new(StateDictProblemKind.Missing, want.Name, $"missing tensor '{want.Name}' {Shapes.Format(want.Shape)}"));
        return problems;
    }

    /// <summary>True for a PyTorch extra we do not keep (num_batches_tracked of a batch norm the spec has).</summary>
    public static bool IsIgnored(string name, IReadOnlyDictionary<string, StateTensorSpec> expected)
    {
        const string suffix = ".num_batches_tracked";
        return name.EndsWith(suffix, StringComparison.Ordinal)
            && expected.ContainsKey(name[..^suffix.Length] + ".running_mean");
    }

    /// <summary>The problems as one indented block, at most <paramref name="max"/> lines.</summary>
    public static string Format(IReadOnlyList<StateDictProblem> problems, int max = 12) =>
        string.Join("\n  ", problems.Take(max).Select(p => p.Message))
        + (problems.Count > max ? $"\n  ... and {problems.Count - max} more" : "");
}
