namespace CudaPrune.Core.Data;

/// <summary>
/// Reads an image-folder copy of CIFAR-10, <c>&lt;root&gt;/&lt;split&gt;/&lt;class&gt;/*.jpg|*.png</c>, ordered by
/// label and then by file name so every run sees the same order.
/// </summary>
public static class ImageFolderReader
{
    public static CifarDataset Read(string root, CifarSplit split)
    {
        var splitFolder = Path.Combine(root, split.FolderName());
        if (!Directory.Exists(splitFolder))
            throw new DirectoryNotFoundException(
                $"{splitFolder}: no such folder; an image folder holds {split.FolderName()}/<class>/*.jpg (or .png) for the classes {string.Join(", ", Cifar10.ClassNames)}");
        foreach (var folder in Directory.GetDirectories(splitFolder))
            if (!Path.GetFileName(folder).StartsWith('.') && Cifar10.ClassIndex(Path.GetFileName(folder)) < 0)
                throw new InvalidDataException(
                    $"{folder}: '{Path.GetFileName(folder)}' is not a CIFAR-10 class; the class folders are {string.Join(", ", Cifar10.ClassNames)}");

        var files = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < Cifar10.ClassCount; label++)
        {
            var classFolder = Path.Combine(splitFolder, Cifar10.ClassNames[label]);
            if (!Directory.Exists(classFolder))
                throw new DirectoryNotFoundException($"{classFolder}: the class folder is missing");
            var inClass = Directory.EnumerateFiles(classFolder)
                .Where(path => ImageDecoder.IsImageFile(Path.GetFileName(path)))
                .OrderBy(Path.GetFileName, StringComparer.Ordinal)
                .ToList();
            if (inClass.Count == 0)
                throw new InvalidDataException($"{classFolder}: the class folder holds no .jpg or .png images");
            files.AddRange(inClass);
            labels.AddRange(Enumerable.Repeat(label, inClass.Count));
        }

        var images = new byte[files.Count * Cifar10.ImageBytes];
        ImageDecoder.DecodeAll(files.Count, i => File.ReadAllBytes(files[i]), i => files[i], images);
        return new CifarDataset(images, [.. labels]);
    }
}
