namespace CudaPrune.Pruning.Compaction;

/// <summary>Where one tensor of a compacted model comes from.</summary>
public abstract record TensorSource;

/// <summary>
/// The old tensor <paramref name="From"/>, gathered along each listed dimension in turn (the backend's
/// IndexSelect, on the device); no selections = a plain device copy.
/// </summary>
public sealed record GatherSource(string From, IReadOnlyList<DimSelection> Selections) : TensorSource
{
    /// <summary>A whole copy of <paramref name="from"/>.</summary>
    public static GatherSource Copy(string from) => new(from, []);
}

/// <summary>A tensor of a rebuilt layer: re-initialised from the seed, as a new model would start it.</summary>
public sealed record FreshSource : TensorSource
{
    public static readonly FreshSource Instance = new();
}

/// <summary>Keep entries <paramref name="Indices"/> (ascending) of dimension <paramref name="Dim"/>.</summary>
public sealed record DimSelection(int Dim, int[] Indices);
