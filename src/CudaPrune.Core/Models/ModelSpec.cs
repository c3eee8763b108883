using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CudaPrune.Core.Models;

/// <summary>
/// A network as data: input shape, number of classes and the ordered list of layers, each with its
/// channel counts. A pruned network is a rewritten spec (<see cref="ReplaceLayer"/>, <see cref="RemoveLayers"/>,
/// or <c>with</c>); <see cref="ModelBuilder"/> turns a spec into modules; <see cref="ModelSpecJson"/> stores it.
/// </summary>
/// <remarks>
/// Layers run in list order, each on the previous one's output; the last must produce [NumClasses].
/// Layer names are module paths; layers sharing a dotted prefix ("features.0", "features.1") must be
/// consecutive: they form one container.
/// </remarks>
public sealed partial record ModelSpec(string Name, int InputChannels, int InputHeight, int InputWidth, int NumClasses,
    IReadOnlyList<LayerSpec> Layers)
{
    [JsonIgnore] public FeatureShape InputShape => FeatureShape.Map(InputChannels, InputHeight, InputWidth);

    /// <summary>Whether any layer normalises its activations (a batch norm, or a residual block, which holds two).</summary>
    [JsonIgnore] public bool HasBatchNorm => Layers.Any(l => l is BatchNormSpec or BasicBlockSpec);

    /// <summary>Throws <see cref="ModelSpecException"/> naming the first inconsistent layer.</summary>
    public void Validate() => InferShapes();

    /// <summary>
    /// Validates the spec and returns the activation shapes: element i is the input of layer i, the
    /// last element the model's output.
    /// </summary>
    public IReadOnlyList<FeatureShape> InferShapes()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ModelSpecException("the model has no name");
        if (InputChannels <= 0 || InputHeight <= 0 || InputWidth <= 0)
            throw new ModelSpecException($"model '{Name}': input shape {InputShape} must be positive");
        if (NumClasses <= 0) throw new ModelSpecException($"model '{Name}': num_classes must be positive, got {NumClasses}");
        if (Layers is null || Layers.Count == 0) throw new ModelSpecException($"model '{Name}' has no layers");
        CheckNames();

        var shapes = new List<FeatureShape>(Layers.Count + 1) { InputShape };
        foreach (var layer in Layers) shapes.Add(layer.OutputShape(shapes[^1]));
        var output = shapes[^1];
        if (!output.IsFlat || output.Channels != NumClasses)
            throw new ModelSpecException($"model '{Name}': the last layer '{Layers[^1].Name}' outputs {output}, but num_classes is {NumClasses}: expected [{NumClasses}]", Layers[^1].Name);
        return shapes;
    }

    private void CheckNames()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var closedPrefixes = new HashSet<string>(StringComparer.Ordinal);
        string[] open = [];
        foreach (var layer in Layers)
        {
            if (layer is null) throw new ModelSpecException($"model '{Name}' has a null layer");
            if (layer.Name is null || !ValidName().IsMatch(layer.Name))
                throw new ModelSpecException($"layer name '{layer.Name}' is not a dotted path of letters, digits and underscores", layer.Name);
            if (!seen.Add(layer.Name)) throw new ModelSpecException($"layer name '{layer.Name}' is used twice", layer.Name);

            // Every proper prefix is a container: it must not be a layer itself, and must not reopen after it closed.
            var parts = layer.Name.Split('.');
            var prefixes = Enumerable.Range(1, parts.Length - 1).Select(k => string.Join('.', parts[..k])).ToArray();
            int common = 0;
            while (common < open.Length && common < prefixes.Length && open[common] == prefixes[common]) common++;
            foreach (var p in open[common..]) closedPrefixes.Add(p);
            foreach (var p in prefixes[common..])
                if (closedPrefixes.Contains(p))
                    throw new ModelSpecException($"layer '{layer.Name}': the layers in container '{p}' must be consecutive", layer.Name);
            open = prefixes;
        }
        foreach (var layer in Layers)
            foreach (var other in Layers)
                if (other.Name.StartsWith(layer.Name + ".", StringComparison.Ordinal))
                    throw new ModelSpecException($"layer '{layer.Name}' is also the container of layer '{other.Name}'", layer.Name);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")]
    private static partial Regex ValidName();

    /// <summary>Every tensor the model holds (full state-dict names and shapes), in state_dict order.</summary>
    public IReadOnlyList<StateTensorSpec> StateTensors() => Layers.SelectMany(l => l.StateTensors()).ToList();

    public int IndexOf(string layerName)
    {
        for (int i = 0; i < Layers.Count; i++) if (Layers[i].Name == layerName) return i;
        return -1;
    }

    /// <summary>The layer named <paramref name="layerName"/>; throws listing the names when there is none.</summary>
    public LayerSpec Layer(string layerName)
    {
        int i = IndexOf(layerName);
        return i >= 0 ? Layers[i] : throw new ArgumentException($"model '{Name}' has no layer '{layerName}'; its layers are: {string.Join(", ", Layers.Select(l => l.Name))}");
    }

    /// <summary>A copy with the layer named <paramref name="layerName"/> replaced (not validated: rewrite several layers, then <see cref="Validate"/>).</summary>
    public ModelSpec ReplaceLayer(string layerName, LayerSpec replacement)
    {
        var layers = Layers.ToList();
        layers[IndexOf(Layer(layerName).Name)] = replacement;
        return this with { Layers = layers };
    }

    /// <summary>A copy without the named layers (not validated).</summary>
    public ModelSpec RemoveLayers(params string[] layerNames)
    {
        foreach (var n in layerNames) Layer(n);
        var drop = layerNames.ToHashSet(StringComparer.Ordinal);
        return this with { Layers = Layers.Where(l => !drop.Contains(l.Name)).ToList() };
    }

    public string ToJson() => ModelSpecJson.Serialize(this);

    public static ModelSpec FromJson(string json) => ModelSpecJson.Deserialize(json);

    // Value equality over the layer list (a record compares lists by reference).
    public bool Equals(ModelSpec? other) =>
        other is not null && Name == other.Name && InputChannels == other.InputChannels && InputHeight == other.InputHeight
        && InputWidth == other.InputWidth && NumClasses == other.NumClasses && Layers.SequenceEqual(other.Layers);

    public override int GetHashCode() => HashCode.Combine(Name, InputChannels, InputHeight, InputWidth, NumClasses, Layers.Count);
}
