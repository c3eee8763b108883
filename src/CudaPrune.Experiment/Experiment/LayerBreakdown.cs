using CudaPrune.Core.Models;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment;

/// <summary>
/// Folds (layer, kernel) rows into the spec's top-level layers ("conv1", "layer1.0", "linear"): a kernel
/// belongs to the layer whose name is its module path or a prefix of it ("layer1.0.conv1" → "layer1.0").
/// </summary>
public static class LayerBreakdown
{
    /// <summary>The top-level layer names of a spec, in order.</summary>
    public static IReadOnlyList<string> Layers(ModelSpec spec) => spec.Layers.Select(l => l.Name).ToList();

    /// <summary>Median µs per pass of each top-level layer (the sum of its kernels' medians); layers without kernels are absent.</summary>
    public static IReadOnlyDictionary<string, double> Microseconds(IReadOnlyList<KernelProfileRow> rows, IReadOnlyList<string> layers)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var layer = Owner(row.Layer, layers);
            result[layer] = result.GetValueOrDefault(layer) + row.Microseconds.Median;
        }
        return result;
    }

    /// <summary>The longest layer name that is <paramref name="path"/> or a dotted prefix of it; "(other)" when none is.</summary>
    public static string Owner(string path, IReadOnlyList<string> layers)
    {
        string? best = null;
        foreach (var name in layers)
            if ((path == name || path.StartsWith(name + ".", StringComparison.Ordinal)) && (best is null || name.Length > best.Length))
                best = name;
        return best ?? "(other)";
    }
}
