using System.Security.Cryptography;
using System.Text;

namespace CudaPrune.Experiment.Cells;

/// <summary>What a cell of the experiment does: train a baseline, prune, fine-tune, train a control from scratch, profile.</summary>
public static class CellKinds
{
    public const string Baseline = "baseline";
    public const string Prune = "prune";
    public const string IsoLatency = "iso-latency";
    public const string Finetune = "finetune";
    public const string Scratch = "scratch";
    public const string Profile = "profile";
    public const string Engines = "engines";
}

/// <summary>
/// One cell of the experiment's graph: its kind, the inputs it depends on (options, seed, the cells whose outputs it
/// reads) and its identity, a hash of all of them with the code version. Equal inputs give an equal id, so a rerun
/// finds the finished cell; any changed input gives a new id, and so does every cell downstream of it.
/// </summary>
/// <param name="Name">For people: "baseline s1", "prune layer 0.50 s1", "finetune channel 0.50 s2".</param>
/// <param name="Inputs">Every option the cell's work depends on, as exact invariant text.</param>
/// <param name="Dependencies">The ids of the cells whose outputs it reads, in order.</param>
/// <param name="Exclusive">A latency cell: it must run with nothing else on its device (or machine).</param>
public sealed record CellSpec(string Id, string Name, string Kind, IReadOnlyDictionary<string, string> Inputs, IReadOnlyList<string> Dependencies, bool Exclusive)
{
    /// <summary>The first 16 hex digits of the SHA-256 of the kind, code version, inputs (sorted by name) and dependencies.</summary>
    public static string Identity(string kind, string code, IReadOnlyDictionary<string, string> inputs, IReadOnlyList<string> dependencies)
    {
        var text = new StringBuilder();
        text.Append("kind=").Append(kind).Append('\n').Append("code=").Append(code).Append('\n');
        foreach (var (key, value) in inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal)) text.Append(key).Append('=').Append(value).Append('\n');
        foreach (var dependency in dependencies) text.Append("after=").Append(dependency).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    public static CellSpec Create(string name, string kind, string code, IReadOnlyDictionary<string, string> inputs, IReadOnlyList<string> dependencies, bool exclusive = false) =>
        new(Identity(kind, code, inputs, dependencies), name, kind, inputs, dependencies, exclusive);

    /// <summary>The cell's folder name under cells/: its name made safe for a path, then its id.</summary>
    public string FolderName => new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray()) + "-" + Id;
}
