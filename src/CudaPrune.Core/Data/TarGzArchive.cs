using System.Formats.Tar;
using System.IO.Compression;

namespace CudaPrune.Core.Data;

/// <summary>Reads the regular files of a .tar.gz in one streaming pass (gzip and tar are sequential formats).</summary>
internal static class TarGzArchive
{
    /// <summary>The entries whose name <paramref name="keep"/> accepts, with their bytes, in archive order.</summary>
    public static List<(string Name, byte[] Data)> ReadFiles(string path, Func<string, bool> keep)
    {
        var files = new List<(string, byte[])>();
        Walk(path, (name, entry) =>
        {
            if (keep(name))
            {
                var data = new byte[entry.Length];
                entry.DataStream?.ReadExactly(data);
                files.Add((name, data));
            }
            return true;
        });
        return files;
    }

    /// <summary>Calls <paramref name="decide"/> with entry names until it returns a value (or the archive ends).</summary>
    public static T? FirstDecision<T>(string path, Func<string, T?> decide) where T : struct
    {
        T? result = null;
        Walk(path, (name, _) =>
        {
            result = decide(name);
            return result is null;
        });
        return result;
    }

    /// <summary>The last part of an entry name ("" for none).</summary>
    public static string FileName(string entryName) => Segments(entryName) is [.., var last] ? last : "";

    /// <summary>The parts of an entry name, without a leading "./" or empty parts.</summary>
    public static string[] Segments(string entryName) =>
        entryName.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();

    // Visits regular-file entries while visit returns true. Damage to the gzip or tar stream becomes an
    // InvalidDataException naming the archive.
    private static void Walk(string path, Func<string, TarEntry, bool> visit)
    {
        using var file = File.OpenRead(path);
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    continue;
                if (!visit(entry.Name, entry))
                    return;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a readable .tar.gz archive, or truncated ({e.Message})", e);
        }
    }
}
