using CudaPrune.Core.Models;

namespace CudaPrune.Pruning.Specs;

/// <summary>The layers of a spec with residual blocks opened into their parts (conv1, bn1, conv2, bn2, shortcut.0, shortcut.1).</summary>
public static class SpecLeaves
{
    /// <summary>Every leaf layer in execution order (a block's shortcut after its branch).</summary>
    public static IEnumerable<LayerSpec> Of(ModelSpec spec) =>
        spec.Layers.SelectMany(l => l is BasicBlockSpec b ? b.Parts : [l]);

    /// <summary>True when <paramref name="name"/> is a layer of the spec, a part of one of its blocks, or a container of layers ("layer1").</summary>
    public static bool Contains(ModelSpec spec, string name) =>
        Of(spec).Concat(spec.Layers).Any(l => l.Name == name || l.Name.StartsWith(name + ".", StringComparison.Ordinal));

    /// <summary>Throws naming the model when a name of <paramref name="names"/> is no layer of it (see <see cref="Contains"/>).</summary>
    public static void RequireAll(ModelSpec spec, IEnumerable<string> names, string option)
    {
        foreach (var name in names)
            if (!Contains(spec, name))
                throw new ArgumentException($"{option}: model '{spec.Name}' has no layer '{name}'; its layers are {string.Join(", ", spec.Layers.Select(l => l.Name))} (block parts such as '{Of(spec).Last(l => l.Name.Contains('.')).Name}' also count)");
    }
}
