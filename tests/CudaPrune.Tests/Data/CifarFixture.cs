using System.Formats.Tar;
using System.IO.Compression;
using CudaPrune.Core.Data;
using StbImageWriteSharp;
using WriterComponents = StbImageWriteSharp.ColorComponents;

namespace CudaPrune.Tests.Data;

/// <summary>
/// A tiny CIFAR-10 written by the tests in every shape the readers take: a few smooth, asymmetric images per class
/// (so JPEG stays close, and a swapped axis or plane shows), in label order then file-name order.
/// </summary>
internal sealed class CifarFixture : IDisposable
{
    public CifarFixture(int trainPerClass = 3, int testPerClass = 2)
    {
        Root = Directory.CreateTempSubdirectory("cudaprune-data-").FullName;
        Train = Make(trainPerClass, salt: 0);
        Test = Make(testPerClass, salt: 1);
    }

    /// <summary>A temporary folder, deleted on dispose.</summary>
    public string Root { get; }

    public CifarDataset Train { get; }

    public CifarDataset Test { get; }

    public CifarDataset Split(CifarSplit split) => split == CifarSplit.Train ? Train : Test;

    public string Folder(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes parent/cifar-10-batches-bin/: the training records spread over the five data batches.</summary>
    public string WriteBatchesFolder(string parent)
    {
        var folder = Path.Combine(parent, Cifar10.BatchesFolderName);
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in BatchFiles())
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        return folder;
    }

    /// <summary>Writes parent/cifar-10-binary.tar.gz (or <paramref name="fileName"/>) laid out like the official archive.</summary>
    public string WriteBinaryArchive(string parent, string fileName = Cifar10.BinaryArchiveName) =>
        WriteTarGz(Path.Combine(parent, fileName), BatchFiles().Select(f => ($"{Cifar10.BatchesFolderName}/{f.Name}", f.Bytes)));

    /// <summary>Writes parent/cifar10-jpeg/&lt;split&gt;/&lt;class&gt;/NNNN.ext.</summary>
    public string WriteImageFolder(string parent, string extension)
    {
        var folder = Path.Combine(parent, Cifar10.ImageFolderName);
        foreach (var (name, bytes) in ImageFiles(extension))
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        return folder;
    }

    /// <summary>Writes parent/cifar10-jpeg.tar.gz (or <paramref name="fileName"/>) holding the image folder, with directory entries as tar writes them.</summary>
    public string WriteImageArchive(string parent, string extension, string fileName = Cifar10.ImageArchiveName) =>
        WriteTarGz(Path.Combine(parent, fileName), ImageFiles(extension).Select(f => ($"{Cifar10.ImageFolderName}/{f.Name}", f.Bytes)));

    public static string WriteTarGz(string path, IEnumerable<(string Name, byte[] Bytes)> files)
    {
        using var stream = File.Create(path);
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        var folders = new HashSet<string>();
        foreach (var (name, bytes) in files)
        {
            var folder = name[..(name.LastIndexOf('/') + 1)];
            if (folders.Add(folder))
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder));
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
        }
        return path;
    }

    /// <summary>A PNG (lossless) or JPEG (quality 100) of planar pixels [3, h, w].</summary>
    public static byte[] Encode(ReadOnlySpan<byte> planar, int width, int height, string extension)
    {
        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
            for (int c = 0; c < 3; c++)
                rgb[3 * p + c] = planar[c * width * height + p];
        using var stream = new MemoryStream();
        var writer = new ImageWriter();
        if (extension == "png")
            writer.WritePng(rgb, width, height, WriterComponents.RedGreenBlue, stream);
        else
            writer.WriteJpg(rgb, width, height, WriterComponents.RedGreenBlue, stream, 100);
        return stream.ToArray();
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private IEnumerable<(string Name, byte[] Bytes)> BatchFiles()
    {
        var trainNames = Cifar10.BatchFiles(CifarSplit.Train);
        int perFile = (Train.Count + trainNames.Count - 1) / trainNames.Count;
        for (int f = 0; f < trainNames.Count; f++)
            yield return (trainNames[f], Records(Train, f * perFile, Math.Min(Train.Count, (f + 1) * perFile)));
        yield return (Cifar10.BatchFiles(CifarSplit.Test)[0], Records(Test, 0, Test.Count));
    }

    private static byte[] Records(CifarDataset data, int start, int end)
    {
        var bytes = new byte[(end - start) * Cifar10.RecordBytes];
        for (int i = start; i < end; i++)
        {
            var record = bytes.AsSpan((i - start) * Cifar10.RecordBytes, Cifar10.RecordBytes);
            record[0] = (byte)data.Labels[i];
            data.Image(i).CopyTo(record[1..]);
        }
        return bytes;
    }

    private IEnumerable<(string Name, byte[] Bytes)> ImageFiles(string extension)
    {
        foreach (var split in new[] { CifarSplit.Train, CifarSplit.Test })
        {
            var data = Split(split);
            var perClass = new int[Cifar10.ClassCount];
            for (int i = 0; i < data.Count; i++)
            {
                int label = data.Labels[i];
                var name = $"{split.FolderName()}/{Cifar10.ClassNames[label]}/{perClass[label]++:D4}.{extension}";
                yield return (name, Encode(data.Image(i), Cifar10.Width, Cifar10.Height, extension));
            }
        }
    }

    // value(c, y, x) = 8 + 6 label + 20 c + 3 x + y + 5 k: distinct per class, image, channel and axis, at most 246.
    private static CifarDataset Make(int perClass, int salt)
    {
        int count = perClass * Cifar10.ClassCount;
        var images = new byte[count * Cifar10.ImageBytes];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i / perClass, k = i % perClass + salt;
            labels[i] = label;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++)
                        images[i * Cifar10.ImageBytes + c * 1024 + y * 32 + x] = (byte)(8 + 6 * label + 20 * c + 3 * x + y + 5 * k);
        }
        return new CifarDataset(images, labels);
    }
}
