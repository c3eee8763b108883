using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Checkpoints;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON header
/// ({name: {dtype, shape, data_offsets: [begin, end]}}, plus "__metadata__": {string: string}),
/// then the raw little-endian data, offsets relative to its start.
/// </summary>
/// <remarks>
/// The header is checked as the reference implementation does: known dtypes, byte ranges that match
/// dtype × shape, ranges that tile the data section exactly (no gap, no overlap, nothing missing or left over).
/// Tensor data is read on demand. Errors are <see cref="CheckpointException"/>s naming the file.
/// </remarks>
public sealed class SafeTensorsReader : IDisposable
{
    /// <summary>Largest header we accept (the reference implementation's limit): a corrupt length must not allocate gigabytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsReader(string path, FileStream stream, long dataStart, IReadOnlyDictionary<string, string> metadata, List<SafeTensorInfo> tensors)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Metadata = metadata;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>The "__metadata__" entries (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header.</summary>
    public static SafeTensorsReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return Parse(path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static SafeTensorsReader Parse(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw new CheckpointException(path, $"the file is {fileLength} bytes: too short to hold the 8-byte header length (truncated?)");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw new CheckpointException(path, $"header length {headerLength} goes beyond the end of the file ({fileLength} bytes: truncated, or not a safetensors file)");
        if (headerLength > MaxHeaderBytes) throw new CheckpointException(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"the header is not valid JSON: {e.Message}", inner: e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, $"the header is a JSON {doc.RootElement.ValueKind}, not an object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafeTensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(entry.Name)) throw new CheckpointException(path, $"the header names '{entry.Name}' twice");
                if (entry.Name == "__metadata__") ReadMetadata(path, entry.Value, metadata);
                else tensors.Add(ReadTensorInfo(path, entry.Name, entry.Value));
            }
            CheckTiling(path, tensors, dataLength);
            return new SafeTensorsReader(path, stream, dataStart, metadata, tensors);
        }
    }

    private static void ReadMetadata(string path, JsonElement e, Dictionary<string, string> metadata)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new CheckpointException(path, "\"__metadata__\" must be an object of strings");
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"metadata entry '{p.Name}' is a JSON {p.Value.ValueKind}, not a string");
            metadata[p.Name] = p.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensorInfo(string path, string name, JsonElement e)
    {
        CheckpointException Bad(string what) => new(path, $"tensor '{name}': {what}", name);
        if (e.ValueKind != JsonValueKind.Object) throw Bad($"the entry is a JSON {e.ValueKind}, not an object");
        if (!e.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String) throw Bad("no \"dtype\" string");
        string dtype = dtypeElement.GetString()!;
        int elementSize = SafeTensorInfo.ElementSize(dtype) ?? throw Bad($"unknown dtype '{dtype}'");
        int[] shape = ReadInts(e, "shape", Bad).Select(v => v <= int.MaxValue ? (int)v : throw Bad($"dimension {v} is too large")).ToArray();
        long[] offsets = ReadInts(e, "data_offsets", Bad);
        if (offsets.Length != 2 || offsets[0] > offsets[1]) throw Bad($"data_offsets must be [begin, end] with begin <= end, got [{string.Join(",", offsets)}]");
        long needed;
        try
        {
            needed = checked(Shapes.Count(shape) * elementSize);
        }
        catch (OverflowException)
        {
            throw Bad($"shape {Shapes.Format(shape)} is too large");
        }
        if (offsets[1] - offsets[0] != needed)
            throw Bad($"data_offsets [{offsets[0]},{offsets[1]}] hold {offsets[1] - offsets[0]} bytes but {dtype} {Shapes.Format(shape)} needs {needed}");
        return new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadInts(JsonElement e, string property, Func<string, CheckpointException> bad)
    {
        if (!e.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array) throw bad($"no \"{property}\" array");
        return array.EnumerateArray().Select(v =>
            v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long x) && x >= 0 ? x : throw bad($"\"{property}\" holds {v.GetRawText()}, not a non-negative integer")).ToArray();
    }

    // The byte ranges, sorted, must follow each other from 0 to the end of the data section.
    private static void CheckTiling(string path, List<SafeTensorInfo> tensors, long dataLength)
    {
        long end = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin != end)
                throw new CheckpointException(path, t.Begin > end
                    ? $"tensor '{t.Name}' starts at byte {t.Begin}, leaving a gap after byte {end}"
                    : $"tensor '{t.Name}' starts at byte {t.Begin}, overlapping the previous tensor (ends at {end})", t.Name);
            end = t.End;
        }
        if (end > dataLength)
            throw new CheckpointException(path, $"the data section is {dataLength} bytes but the header describes {end}: the file is truncated");
        if (end < dataLength)
            throw new CheckpointException(path, $"the data section is {dataLength} bytes but the header describes only {end}");
    }

    /// <summary>The entry of tensor <paramref name="name"/>; throws when the file has none.</summary>
    public SafeTensorInfo Get(string name) => _byName.TryGetValue(name, out var t) ? t
        : throw new CheckpointException(Path, $"no tensor named '{name}'", name);

    /// <summary>The raw little-endian bytes of a tensor.</summary>
    public byte[] ReadBytes(SafeTensorInfo t)
    {
        var bytes = new byte[t.ByteLength];
        ReadInto(t, bytes);
        return bytes;
    }

    /// <summary>The values of an F32 tensor.</summary>
    public float[] ReadFloat32(SafeTensorInfo t)
    {
        if (t.DType != "F32") throw new CheckpointException(Path, $"tensor '{t.Name}' has dtype {t.DType}, not F32", t.Name);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not");
        var values = new float[t.ByteLength / 4];
        ReadInto(t, MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private void ReadInto(SafeTensorInfo t, Span<byte> destination)
    {
        _stream.Position = _dataStart + t.Begin;
        _stream.ReadExactly(destination);
    }

    public void Dispose() => _stream.Dispose();
}
