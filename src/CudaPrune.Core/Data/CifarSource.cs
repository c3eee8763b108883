namespace CudaPrune.Core.Data;

/// <summary>Where CIFAR-10 was found: its path and format, the data folder it sits in (for the cache) and which rule found it.</summary>
/// <param name="Path">The folder or archive that holds the data.</param>
/// <param name="Format">Which of the four shapes it has.</param>
/// <param name="DataRoot">The data folder it sits in; the cache goes to its cache/ subfolder.</param>
/// <param name="FoundBy">The rule that found it: "--data", "CIFAR10_DIR", "data/", "../shared/data/" or "download".</param>
public sealed record CifarSource(string Path, CifarFormat Format, string DataRoot, string FoundBy)
{
    /// <summary>A sentence for the user, such as "CIFAR-10 binary archive /x/data/cifar-10-binary.tar.gz (found through data/)".</summary>
    public string Describe()
    {
        var what = Format switch
        {
            CifarFormat.BatchesFolder => "CIFAR-10 binary release",
            CifarFormat.BinaryArchive => "CIFAR-10 binary archive",
            CifarFormat.ImageFolder => "CIFAR-10 image folder",
            _ => "CIFAR-10 image archive",
        };
        return $"{what} {Path} (found through {FoundBy})";
    }
}
