namespace CudaPrune.Core.Data;

/// <summary>
/// Finds CIFAR-10. Looks, in order, at an explicit path (--data), the CIFAR10_DIR environment variable,
/// data/ and ../shared/data/ (relative to the current folder); in each it takes cifar-10-batches-bin/,
/// cifar-10-binary.tar.gz, cifar10-jpeg/ or cifar10-jpeg.tar.gz. Where none is found it can download the
/// official binary archive into data/.
/// </summary>
/// <param name="currentDirectory">The folder data/ and ../shared/data/ are relative to; null: the process's.</param>
/// <param name="environment">Reads environment variables; null: the process environment.</param>
public sealed class CifarLocator(string? currentDirectory = null, Func<string, string?>? environment = null)
{
    public const string EnvironmentVariable = "CIFAR10_DIR";

    private readonly string _currentDirectory = Path.GetFullPath(currentDirectory ?? Directory.GetCurrentDirectory());
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>Where a download goes: data/ under the current folder.</summary>
    public string DownloadFolder => Path.Combine(_currentDirectory, "data");

    /// <summary>The default data folders, in search order, with the rule name each is reported under.</summary>
    public IReadOnlyList<(string Folder, string Rule)> DefaultFolders =>
    [
        (DownloadFolder, "data/"),
        (Path.GetFullPath(Path.Combine(_currentDirectory, "..", "shared", "data")), "../shared/data/"),
    ];

    private static string Expected =>
        $"a folder holding {Cifar10.BatchesFolderName}/, {Cifar10.BinaryArchiveName}, {Cifar10.ImageFolderName}/ or {Cifar10.ImageArchiveName}, or the path of one of these";

    /// <summary>
    /// The first source found, or null when none is. An explicit path or CIFAR10_DIR that does not exist or holds
    /// no CIFAR-10 throws <see cref="CifarNotFoundException"/>: the user asked for that place.
    /// </summary>
    public CifarSource? Locate(string? explicitPath = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return Required(Path.GetFullPath(explicitPath, _currentDirectory), "--data");
        var fromEnvironment = _environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return Required(Path.GetFullPath(fromEnvironment, _currentDirectory), EnvironmentVariable);
        foreach (var (folder, rule) in DefaultFolders)
            if (Directory.Exists(folder) && FindIn(folder, rule) is { } found)
                return found;
        return null;
    }

    /// <summary>
    /// <see cref="Locate"/>, and where nothing is found, downloads the official archive into data/ with
    /// <paramref name="downloader"/>. Without network this throws one <see cref="CifarNotFoundException"/>
    /// that says where to put the file.
    /// </summary>
    public async Task<CifarSource> LocateOrDownloadAsync(
        string? explicitPath, CifarDownloader downloader, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        if (Locate(explicitPath) is { } found)
            return found;
        try
        {
            var file = await downloader.DownloadAsync(DownloadFolder, progress, cancel);
            return new CifarSource(file, CifarFormat.BinaryArchive, DownloadFolder, "download");
        }
        catch (Exception e) when (e is HttpRequestException or HttpIOException || (e is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            var looked = string.Join(", ", DefaultFolders.Select(f => f.Folder));
            throw new CifarNotFoundException(
                $"CIFAR-10 was not found (--data not given, {EnvironmentVariable} not set, nothing in {looked}) and downloading " +
                $"{downloader.Url} failed ({e.Message}). Download {Cifar10.BinaryArchiveName} from that address and put it at " +
                $"{Path.Combine(DownloadFolder, Cifar10.BinaryArchiveName)}, or set {EnvironmentVariable} to the folder that holds it.", e);
        }
    }

    private static CifarSource Required(string path, string rule)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new CifarNotFoundException($"{rule} {path} does not exist; expected {Expected}");
        return Recognise(path, rule) ?? throw new CifarNotFoundException($"{rule} {path} holds no CIFAR-10; expected {Expected}");
    }

    // A path given by the user: a folder holding one of the four shapes, or one of them itself.
    private static CifarSource? Recognise(string path, string rule)
    {
        var parent = Path.GetDirectoryName(path) ?? path;
        if (File.Exists(path))
            return ArchiveFormat(path) is { } format ? new CifarSource(path, format, parent, rule) : null;
        if (FindIn(path, rule) is { } found)
            return found;
        return FolderFormat(path) is { } folderFormat ? new CifarSource(path, folderFormat, parent, rule) : null;
    }

    private static CifarSource? FindIn(string folder, string rule)
    {
        var batches = Path.Combine(folder, Cifar10.BatchesFolderName);
        if (FolderFormat(batches) == CifarFormat.BatchesFolder)
            return new CifarSource(batches, CifarFormat.BatchesFolder, folder, rule);
        var binaryArchive = Path.Combine(folder, Cifar10.BinaryArchiveName);
        if (File.Exists(binaryArchive))
            return new CifarSource(binaryArchive, CifarFormat.BinaryArchive, folder, rule);
        var images = Path.Combine(folder, Cifar10.ImageFolderName);
        if (FolderFormat(images) == CifarFormat.ImageFolder)
            return new CifarSource(images, CifarFormat.ImageFolder, folder, rule);
        var imageArchive = Path.Combine(folder, Cifar10.ImageArchiveName);
        if (File.Exists(imageArchive))
            return new CifarSource(imageArchive, CifarFormat.ImageArchive, folder, rule);
        return null;
    }

    private static CifarFormat? FolderFormat(string folder)
    {
        if (!Directory.Exists(folder))
            return null;
        if (Cifar10.BatchFiles(CifarSplit.Train).Concat(Cifar10.BatchFiles(CifarSplit.Test)).Any(f => File.Exists(Path.Combine(folder, f))))
            return CifarFormat.BatchesFolder;
        bool hasClassFolders = new[] { "train", "test" }.Any(split =>
            Cifar10.ClassNames.Any(name => Directory.Exists(Path.Combine(folder, split, name))));
        return hasClassFolders ? CifarFormat.ImageFolder : null;
    }

    // What a .tar.gz of unknown name holds, from its first entries that say.
    private static CifarFormat? ArchiveFormat(string path) => TarGzArchive.FirstDecision<CifarFormat>(path, entry =>
    {
        var file = TarGzArchive.FileName(entry);
        if (Cifar10.BatchFiles(CifarSplit.Train).Contains(file) || Cifar10.BatchFiles(CifarSplit.Test).Contains(file))
            return CifarFormat.BinaryArchive;
        return ImageArchiveReader.SplitOf(entry) is "train" or "test" ? CifarFormat.ImageArchive : null;
    });
}
