using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace CudaPrune.Core.Data;

/// <summary>
/// The decoded-data cache file of one split: a 32-byte header (magic, version, count, image bytes, class count,
/// checksum), then one label byte per image, then the pixels [N, 3, 32, 32]. Written to a temporary file and renamed.
/// </summary>
internal static class CacheFile
{
    private const int Version = 1;
    private const int HeaderBytes = 32;
    private static ReadOnlySpan<byte> Magic => "CPCIFAR\n"u8;

    public static void Write(string path, CifarDataset data)
    {
        var labels = new byte[data.Count];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = (byte)data.Labels[i];

        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), data.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), Cifar10.ImageBytes);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), Cifar10.ClassCount);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), Checksum(labels, data.Images));

        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(header);
                stream.Write(labels);
                stream.Write(data.Images);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing left behind when the write failed; a no-op after the rename
        }
    }

    /// <summary>Reads and checks a cache file; a damaged one throws InvalidDataException saying what is wrong.</summary>
    public static CifarDataset Read(string path)
    {
        using var handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        if (length < HeaderBytes)
            throw new InvalidDataException($"{path}: {length} bytes is shorter than the {HeaderBytes}-byte header");
        var header = new byte[HeaderBytes];
        ReadExactly(handle, header, 0, path);
        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a CudaPrune CIFAR cache file (bad magic)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        int count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        int imageBytes = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
        int classCount = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(20));
        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24));
        if (version != Version || imageBytes != Cifar10.ImageBytes || classCount != Cifar10.ClassCount || count < 0)
            throw new InvalidDataException(
                $"{path}: header says version {version}, {count} images of {imageBytes} bytes, {classCount} classes; expected version {Version}, {Cifar10.ImageBytes}-byte images, {Cifar10.ClassCount} classes");
        long expected = HeaderBytes + count * (1L + Cifar10.ImageBytes);
        if (length != expected)
            throw new InvalidDataException($"{path}: {length:N0} bytes; {count:N0} images need {expected:N0} (truncated?)");

        var labelBytes = new byte[count];
        var images = new byte[(long)count * Cifar10.ImageBytes];
        ReadExactly(handle, labelBytes, HeaderBytes, path);
        ReadExactly(handle, images, HeaderBytes + count, path);
        if (Checksum(labelBytes, images) != checksum)
            throw new InvalidDataException($"{path}: checksum mismatch; the file is damaged");

        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (labelBytes[i] >= Cifar10.ClassCount)
                throw new InvalidDataException($"{path}: image {i} has label {labelBytes[i]}");
            labels[i] = labelBytes[i];
        }
        return new CifarDataset(images, labels);
    }

    private static ulong Checksum(byte[] labels, byte[] images) => Checksum64.Of(labels) * 31 ^ Checksum64.Of(images);

    private static void ReadExactly(SafeFileHandle handle, byte[] buffer, long offset, string path)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(done), offset + done);
            if (n == 0)
                throw new InvalidDataException($"{path}: ended early");
            done += n;
        }
    }
}
