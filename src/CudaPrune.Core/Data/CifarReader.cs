using System.Diagnostics;

namespace CudaPrune.Core.Data;

/// <summary>
/// Reads a split of a located CIFAR-10 source. Sources that need decoding or unpacking go through the
/// decoded-data cache; the unpacked binary release is read directly (it already is the cache's layout).
/// </summary>
/// <param name="cache">The cache to use; null: <see cref="DatasetCache.For"/> the source's data folder.</param>
/// <param name="log">Receives one line per split saying where the images came from and how long it took.</param>
public sealed class CifarReader(DatasetCache? cache = null, Action<string>? log = null)
{
    public CifarDataset Read(CifarSource source, CifarSplit split)
    {
        if (source.Format == CifarFormat.BatchesFolder)
            return CifarBinaryReader.ReadFolder(source.Path, split);

        var splitCache = cache ?? DatasetCache.For(source.DataRoot);
        var path = splitCache.PathFor(source, split);
        var clock = Stopwatch.StartNew();
        var cached = splitCache.TryLoad(path, out var problem);
        if (cached is not null)
        {
            log?.Invoke($"{split.FolderName()}: {cached.Count:N0} images from the cache {path} in {clock.Elapsed.TotalSeconds:F2} s");
            return cached;
        }
        if (problem is not null)
            log?.Invoke($"{split.FolderName()}: the cache file is unusable, rebuilding it: {problem}");

        clock.Restart();
        var data = Decode(source, split);
        log?.Invoke($"{split.FolderName()}: {data.Count:N0} images decoded from {source.Path} in {clock.Elapsed.TotalSeconds:F1} s");
        var failure = splitCache.TrySave(path, data);
        log?.Invoke(failure is null ? $"{split.FolderName()}: cached in {path}" : $"{split.FolderName()}: not cached ({failure})");
        return data;
    }

    /// <summary>Reads the source itself, without the cache.</summary>
    public static CifarDataset Decode(CifarSource source, CifarSplit split) => source.Format switch
    {
        CifarFormat.BatchesFolder => CifarBinaryReader.ReadFolder(source.Path, split),
        CifarFormat.BinaryArchive => CifarBinaryReader.ReadArchive(source.Path, split),
        CifarFormat.ImageFolder => ImageFolderReader.Read(source.Path, split),
        CifarFormat.ImageArchive => ImageArchiveReader.Read(source.Path, split),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source.Format, null),
    };
}
