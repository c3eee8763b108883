namespace CudaPrune.Core.Data;

/// <summary>
/// Reads an image-folder layout straight from a .tar.gz (such as cifar10-jpeg.tar.gz, entries
/// <c>cifar10-jpeg/&lt;split&gt;/&lt;class&gt;/NNNN.jpg</c>): one streaming pass keeps the split's encoded files,
/// then they are decoded in parallel, ordered by label and then by file name.
/// </summary>
public static class ImageArchiveReader
{
    public static CifarDataset Read(string archive, CifarSplit split)
    {
        var entries = TarGzArchive.ReadFiles(archive, name => SplitOf(name) == split.FolderName());
        if (entries.Count == 0)
            throw new InvalidDataException(
                $"{archive}: the archive holds no {split.FolderName()}/<class>/*.jpg (or .png) images");

        var images = entries
            .Select(e => (e.Name, e.Data, Label: LabelOf(archive, e.Name), File: TarGzArchive.FileName(e.Name)))
            .OrderBy(e => e.Label)
            .ThenBy(e => e.File, StringComparer.Ordinal)
            .ToList();
        var counts = new int[Cifar10.ClassCount];
        foreach (var image in images)
            counts[image.Label]++;
        for (int label = 0; label < Cifar10.ClassCount; label++)
            if (counts[label] == 0)
                throw new InvalidDataException(
                    $"{archive}: the class folder {split.FolderName()}/{Cifar10.ClassNames[label]} holds no .jpg or .png images");

        var pixels = new byte[images.Count * Cifar10.ImageBytes];
        ImageDecoder.DecodeAll(images.Count, i => images[i].Data, i => $"{archive}:{images[i].Name}", pixels);
        return new CifarDataset(pixels, images.Select(e => e.Label).ToArray());
    }

    /// <summary>The split folder of an image entry (…/&lt;split&gt;/&lt;class&gt;/&lt;file&gt;), or null for other entries.</summary>
    internal static string? SplitOf(string entryName)
    {
        var parts = TarGzArchive.Segments(entryName);
        return parts.Length >= 3 && ImageDecoder.IsImageFile(parts[^1]) ? parts[^3] : null;
    }

    private static int LabelOf(string archive, string entryName)
    {
        var className = TarGzArchive.Segments(entryName)[^2];
        int label = Cifar10.ClassIndex(className);
        if (label < 0)
            throw new InvalidDataException(
                $"{archive}:{entryName}: '{className}' is not a CIFAR-10 class; the class folders are {string.Join(", ", Cifar10.ClassNames)}");
        return label;
    }
}
