using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Checkpoints;

/// <summary>
/// Writes float32 tensors as a safetensors file, laid out as the reference implementation does:
/// tensors sorted by name, compact JSON header with "__metadata__" first, padded with spaces to a
/// multiple of 8 bytes, data contiguous in header order.
/// </summary>
/// <remarks>
/// The file appears whole or not at all: it is written to a temporary file in the same folder, flushed
/// to disk, then renamed over <c>path</c>. If anything fails, the temporary file is deleted and an
/// existing file at <c>path</c> is left untouched.
/// </remarks>
public static class SafeTensorsWriter
{
    public static void Write(string path, IReadOnlyList<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not");
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Name == sorted[i - 1].Name) throw new ArgumentException($"tensor name '{sorted[i].Name}' is used twice");
        if (sorted.Any(t => t.Name == "__metadata__")) throw new ArgumentException("'__metadata__' is reserved for the metadata, not a tensor name");
        byte[] header = Header(sorted, metadata);

        string full = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var t in sorted)
                {
                    var values = t.Values();
                    long count = Shapes.Count(t.Shape);
                    if (values.LongLength != count)
                        throw new ArgumentException($"tensor '{t.Name}' {Shapes.Format(t.Shape)} needs {count} values, got {values.LongLength}");
                    stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static byte[] Header(List<SafeTensorsEntry> sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(key, value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in sorted)
            {
                long bytes = Shapes.Count(t.Shape) * 4;
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        // Spaces up to a multiple of 8, so the data starts 8-byte aligned (8-byte prefix + header).
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
