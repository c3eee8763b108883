using System.Globalization;
using System.Text.RegularExpressions;

namespace CudaPrune.Cuda.Runtime;

/// <summary>
/// The compile-time constants of a module variant: integer <c>-D NAME=VALUE</c> defines, such as a
/// convolution's <c>CONV_C=45, CONV_K=3</c>. Immutable, ordered by name, compared by <see cref="Key"/>.
/// </summary>
/// <remarks>
/// <see cref="IGpu.GetKernel(string, string, ModuleDefines)"/> compiles one module per distinct set
/// (NVRTC on the GPU, g++ in the emulator) and caches it like every kernel, so the order the defines
/// were given in must not matter: the same constants are the same variant. Values are integers only —
/// shapes, tiles, flags — because an integer has one spelling, so the key (and every cache key built
/// on it) is canonical. Names starting with <c>CUDAPRUNE_</c> or <c>__</c> are reserved: they would
/// change what the build itself means (<c>CUDAPRUNE_EMULATOR</c>, <c>CUDAPRUNE_HAS_MMA</c>).
/// </remarks>
public sealed partial class ModuleDefines : IEquatable<ModuleDefines>
{
    private readonly KeyValuePair<string, long>[] _entries;

    private ModuleDefines(KeyValuePair<string, long>[] entries)
    {
        _entries = entries;
        Key = string.Join(",", entries.Select(e => $"{e.Key}={e.Value.ToString(CultureInfo.InvariantCulture)}"));
        CompilerOptions = entries.Select(e => $"-D{e.Key}={e.Value.ToString(CultureInfo.InvariantCulture)}").ToArray();
    }

    /// <summary>No defines: the plain module.</summary>
    public static ModuleDefines None { get; } = new([]);

    /// <summary>The defines, ordered by name (ordinal).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Entries => _entries;

    /// <summary>True for <see cref="None"/> (and any empty set).</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>"CONV_C=45,CONV_K=3": canonical (ordered by name), empty for <see cref="None"/>.</summary>
    public string Key { get; }

    /// <summary>The same defines as compiler options, "-DCONV_C=45": what NVRTC and g++ both accept.</summary>
    public IReadOnlyList<string> CompilerOptions { get; }

    /// <summary>The defines given; throws <see cref="ArgumentException"/> on an invalid or repeated name.</summary>
    public static ModuleDefines Of(params (string Name, long Value)[] defines) =>
        defines.Length == 0 ? None : Create(defines.Select(d => new KeyValuePair<string, long>(d.Name, d.Value)));

    /// <summary>The defines of a dictionary (any order).</summary>
    public static ModuleDefines Of(IEnumerable<KeyValuePair<string, long>> defines) => Create(defines);

    /// <summary>These defines plus <paramref name="name"/>=<paramref name="value"/>, which must be new.</summary>
    public ModuleDefines With(string name, long value) => Create(_entries.Append(new(name, value)));

    /// <summary>The value of <paramref name="name"/>, if defined.</summary>
    public bool TryGetValue(string name, out long value)
    {
        foreach (var e in _entries)
            if (e.Key == name)
            {
                value = e.Value;
                return true;
            }
        value = 0;
        return false;
    }

    public bool Equals(ModuleDefines? other) => other is not null && (ReferenceEquals(this, other) || Key == other.Key);

    public override bool Equals(object? obj) => Equals(obj as ModuleDefines);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    /// <summary>The <see cref="Key"/>, or "no defines".</summary>
    public override string ToString() => IsEmpty ? "no defines" : Key;

    private static ModuleDefines Create(IEnumerable<KeyValuePair<string, long>> defines)
    {
        var entries = defines.ToArray();
        foreach (var (name, _) in entries) Validate(name);
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (int i = 1; i < entries.Length; i++)
            if (entries[i].Key == entries[i - 1].Key)
                throw new ArgumentException($"define {entries[i].Key} is given twice ({entries[i - 1].Value} and {entries[i].Value})", nameof(defines));
        return entries.Length == 0 ? None : new ModuleDefines(entries);
    }

    private static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || !Identifier().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a C identifier: a define's name is letters, digits and '_', not starting with a digit", nameof(name));
        if (name.StartsWith("CUDAPRUNE_", StringComparison.Ordinal) || name.StartsWith("__", StringComparison.Ordinal))
            throw new ArgumentException($"define {name} is reserved: names starting with CUDAPRUNE_ or __ belong to the build itself", nameof(name));
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
