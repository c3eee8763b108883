namespace CudaPrune.Core.Data;

/// <summary>
/// Reads the official binary release: the folder cifar-10-batches-bin (data_batch_1..5.bin, test_batch.bin)
/// or the cifar-10-binary.tar.gz that holds it. Records are 1 label byte + 3,072 pixel bytes (R, G, B planes);
/// the file order is kept, so image i is image i of the release.
/// </summary>
public static class CifarBinaryReader
{
    public static CifarDataset ReadFolder(string folder, CifarSplit split)
    {
        var names = Cifar10.BatchFiles(split);
        var missing = names.Where(n => !File.Exists(Path.Combine(folder, n))).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{folder}: missing {string.Join(", ", missing)}; a {Cifar10.BatchesFolderName} folder holds " +
                $"{string.Join(", ", Cifar10.BatchFiles(CifarSplit.Train))} and {string.Join(", ", Cifar10.BatchFiles(CifarSplit.Test))}",
                Path.Combine(folder, missing[0]));
        return FromRecords(names.Select(n => Path.Combine(folder, n)).Select(p => (p, File.ReadAllBytes(p))).ToList());
    }

    public static CifarDataset ReadArchive(string archive, CifarSplit split)
    {
        var names = Cifar10.BatchFiles(split);
        var entries = TarGzArchive.ReadFiles(archive, entry => names.Contains(TarGzArchive.FileName(entry)));
        var parts = new List<(string, byte[])>();
        foreach (var name in names)
        {
            var found = entries.Where(e => TarGzArchive.FileName(e.Name) == name).ToList();
            if (found.Count == 0)
                throw new FileNotFoundException($"{archive}: the archive holds no {name}; the binary release holds {Cifar10.BatchesFolderName}/{name}", archive);
            parts.Add(($"{archive}:{found[0].Name}", found[0].Data));
        }
        return FromRecords(parts);
    }

    /// <summary>Concatenates the records of batch files, checking their size and labels.</summary>
    internal static CifarDataset FromRecords(IReadOnlyList<(string Name, byte[] Data)> files)
    {
        long total = 0;
        foreach (var (name, data) in files)
        {
            if (data.Length == 0 || data.Length % Cifar10.RecordBytes != 0)
                throw new InvalidDataException(
                    $"{name}: {data.Length:N0} bytes is not a whole number of {Cifar10.RecordBytes:N0}-byte records " +
                    $"(1 label byte + {Cifar10.ImageBytes:N0} pixel bytes); the file is truncated or not a CIFAR-10 batch");
            total += data.Length / Cifar10.RecordBytes;
        }

        var images = new byte[total * Cifar10.ImageBytes];
        var labels = new int[total];
        int n = 0;
        foreach (var (name, data) in files)
        {
            for (int r = 0; r < data.Length / Cifar10.RecordBytes; r++, n++)
            {
                var record = data.AsSpan(r * Cifar10.RecordBytes, Cifar10.RecordBytes);
                if (record[0] >= Cifar10.ClassCount)
                    throw new InvalidDataException($"{name}: record {r} has label {record[0]}; CIFAR-10 labels are 0..{Cifar10.ClassCount - 1}");
                labels[n] = record[0];
                record[1..].CopyTo(images.AsSpan(n * Cifar10.ImageBytes));
            }
        }
        return new CifarDataset(images, labels);
    }
}
