using System.Text.RegularExpressions;

namespace CudaPrune.Interop.Import;

/// <summary>
/// Layer names from what an ONNX file offers: state-dict names of initializers ("features.0.weight"),
/// our own node names ("layer1.0.conv1"), or torch.onnx's scope paths ("/layer1/layer1.0/conv1/Conv").
/// </summary>
public static partial class OnnxNames
{
    /// <summary>A dotted path of letters, digits and underscores, as our specs require.</summary>
    public static bool IsValid(string? name) => name is not null && ValidPath().IsMatch(name);

    /// <summary>"p" for an initializer named "p.&lt;suffix&gt;" with a valid p; otherwise null (e.g. "onnx::Conv_73").</summary>
    public static string? FromParameter(string initializerName, string suffix)
    {
        string tail = "." + suffix;
        if (!initializerName.EndsWith(tail, StringComparison.Ordinal)) return null;
        string prefix = initializerName[..^tail.Length];
        return IsValid(prefix) ? prefix : null;
    }

    /// <summary>
    /// The module path a node name gives: the name itself when it is a valid path, or, for a torch.onnx
    /// scope path, its segments without the last (the operator): "/layer2/layer2.0/shortcut/shortcut.0/Conv"
    /// → "layer2.0.shortcut.0" (a segment that starts with the previous one plus "." replaces it, as
    /// torch writes Sequential children with their parent's name). Null when nothing usable remains.
    /// </summary>
    public static string? FromNode(string nodeName)
    {
        if (IsValid(nodeName)) return nodeName;
        if (!nodeName.StartsWith('/')) return null;
        var segments = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = new List<string>();
        foreach (var segment in segments[..^1])
        {
            if (path.Count > 0 && segment.StartsWith(path[^1] + ".", StringComparison.Ordinal)) path[^1] = segment;
            else path.Add(segment);
        }
        string joined = string.Join('.', path);
        return IsValid(joined) ? joined : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")]
    private static partial Regex ValidPath();
}
