using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CudaPrune.Core.Checkpoints;

namespace CudaPrune.Tests.Checkpoints;

public class SafeTensorsFormatTests
{
    private TempFolder _dir = null!;

    [SetUp] public void SetUp() => _dir = new TempFolder();
    [TearDown] public void TearDown() => _dir.Dispose();

    private static SafeTensorsEntry Entry(string name, int[] shape, float[] values) => new(name, shape, () => values);

    [Test]
    public void WriteThenReadGivesBackEveryByte()
    {
        var rng = new Random(7);
        float nanWithPayload = BitConverter.Int32BitsToSingle(0x7FC01234);
        var tensors = new Dictionary<string, (int[] Shape, float[] Values)>
        {
            ["conv.weight"] = ([4, 3, 3, 3], Enumerable.Range(0, 108).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray()),
            ["special"] = ([7], [nanWithPayload, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 1e-40f]),
            ["scalar"] = ([], [42f]),
            ["empty"] = ([0, 3], []),
        };
        var metadata = new Dictionary<string, string> { ["note"] = "quotes \" and \\ and ünïcödé\nnew line", ["empty"] = "" };
        string path = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, tensors.Select(kv => Entry(kv.Key, kv.Value.Shape, kv.Value.Values)).ToList(), metadata);

        using var reader = SafeTensorsReader.Open(path);
        Assert.That(reader.Metadata, Is.EqualTo(metadata));
        Assert.That(reader.Tensors.Select(t => t.Name), Is.EquivalentTo(tensors.Keys));
        foreach (var (name, (shape, values)) in tensors)
        {
            var info = reader.Get(name);
            Assert.That(info.DType, Is.EqualTo("F32"));
            Assert.That(info.Shape, Is.EqualTo(shape));
            byte[] expected = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            Assert.That(reader.ReadBytes(info), Is.EqualTo(expected), name);
            Assert.That(MemoryMarshal.AsBytes(reader.ReadFloat32(info).AsSpan()).ToArray(), Is.EqualTo(expected), name);
        }
    }

    [Test]
    public void TheFileIsLaidOutAsTheReferenceImplementationWritesIt()
    {
        string path = _dir.File("layout.safetensors");
        SafeTensorsWriter.Write(path, [Entry("b", [2], [1f, 2f]), Entry("a", [1, 2], [3f, 4f])], new Dictionary<string, string> { ["k"] = "v" });
        byte[] file = File.ReadAllBytes(path);

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.That((8 + (long)n) % 8, Is.Zero, "the data starts 8-byte aligned");
        string header = Encoding.UTF8.GetString(file, 8, (int)n);
        // Compact JSON, metadata first, tensors sorted by name, offsets from the start of the data.
        const string json = "{\"__metadata__\":{\"k\":\"v\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        Assert.That(header.TrimEnd(' '), Is.EqualTo(json));
        Assert.That(header.Length - json.Length, Is.LessThan(8), "at most 7 spaces of padding");
        Assert.That(file.Length, Is.EqualTo(8 + (int)n + 16));
        float[] data = MemoryMarshal.Cast<byte, float>(file.AsSpan(8 + (int)n)).ToArray();
        Assert.That(data, Is.EqualTo(new[] { 3f, 4f, 1f, 2f }), "little-endian floats, in header order");
    }

    [Test]
    public void DataOffsetsTileTheDataSection()
    {
        string path = _dir.File("many.safetensors");
        var entries = Enumerable.Range(0, 20).Select(i => Entry($"t{i}", [i % 5, 3], new float[i % 5 * 3])).ToList();
        SafeTensorsWriter.Write(path, entries);
        byte[] file = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var doc = JsonDocument.Parse(file.AsMemory(8, n));
        var ranges = doc.RootElement.EnumerateObject()
            .Select(p => p.Value.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray())
            .OrderBy(r => r[0]).ToList();
        long end = 0;
        foreach (var r in ranges)
        {
            Assert.That(r[0], Is.EqualTo(end));
            end = r[1];
        }
        Assert.That(end, Is.EqualTo(file.Length - 8 - n));
    }

    [Test]
    public void AWriteLeavesNoTemporaryFile()
    {
        string path = _dir.File("m.safetensors");
        SafeTensorsWriter.Write(path, [Entry("a", [2], [1f, 2f])]);
        SafeTensorsWriter.Write(path, [Entry("a", [3], [1f, 2f, 3f])]);
        Assert.That(_dir.Files(), Is.EqualTo(new[] { "m.safetensors" }));
        using var reader = SafeTensorsReader.Open(path);
        Assert.That(reader.Get("a").Shape, Is.EqualTo(new[] { 3 }), "the second write replaced the first");
    }

    [Test]
    public void AFailureHalfwayLeavesNoFile()
    {
        string path = _dir.File("m.safetensors");
        SafeTensorsEntry[] entries = [Entry("a", [2], [1f, 2f]), new("b", [2], () => throw new IOException("device lost")), Entry("c", [1], [0f])];
        Assert.Throws<IOException>(() => SafeTensorsWriter.Write(path, entries));
        Assert.That(_dir.Files(), Is.Empty);
    }

    [Test]
    public void AFailureHalfwayKeepsThePreviousFile()
    {
        string path = _dir.File("m.safetensors");
        SafeTensorsWriter.Write(path, [Entry("a", [2], [1f, 2f])]);
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path, [Entry("a", [4], [1f, 2f])]), "too few values");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(_dir.Files(), Is.EqualTo(new[] { "m.safetensors" }));
    }

    // ---------------------------------------------------------------- bad input

    private string Raw(string header, int dataBytes, ulong? lengthOverride = null)
    {
        string path = _dir.File("bad.safetensors");
        RawSafeTensors.Write(path, header, new byte[dataBytes], lengthOverride);
        return path;
    }

    private static CheckpointException Bad(string path)
    {
        var e = Assert.Throws<CheckpointException>(() => SafeTensorsReader.Open(path).Dispose())!;
        Assert.That(e.Message, Does.Contain(path), "the error names the file");
        return e;
    }

    [Test]
    public void AMissingFileIsNamed()
    {
        string path = _dir.File("nope.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensorsReader.Open(path));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void AFileShorterThanTheLengthPrefixIsTruncated()
    {
        string path = _dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.That(Bad(path).Message, Does.Contain("too short"));
    }

    [Test]
    public void AHeaderLengthBeyondTheFileIsRejected()
    {
        Assert.That(Bad(Raw("{}", 0, lengthOverride: 1_000_000)).Message, Does.Contain("header length 1000000"));
        Assert.That(Bad(Raw("{}", 0, lengthOverride: ulong.MaxValue)).Message, Does.Contain("beyond the end"));
    }

    [Test]
    public void AHeaderThatIsNotJsonIsRejected()
    {
        Assert.That(Bad(Raw("{\"a\": {\"dtype\": ", 0)).Message, Does.Contain("not valid JSON"));
        Assert.That(Bad(Raw("[1,2]   ", 0)).Message, Does.Contain("not an object"));
    }

    [Test]
    public void TruncatedDataIsRejected()
    {
        string path = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, [Entry("w", [4], [1f, 2f, 3f, 4f])]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Assert.That(Bad(path).Message, Does.Contain("truncated"));
    }

    [Test]
    public void ATensorEntryThatDisagreesWithItselfIsNamed()
    {
        var e = Bad(Raw("{\"w\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        Assert.That(e.TensorName, Is.EqualTo("w"));
        Assert.That(e.Message, Does.Contain("F33"));

        e = Bad(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        Assert.That(e.Message, Does.Contain("'w'").And.Contain("needs 12"));

        e = Bad(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8));
        Assert.That(e.Message, Does.Contain("'w'"));

        e = Bad(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8));
        Assert.That(e.Message, Does.Contain("data_offsets"));
    }

    [Test]
    public void OverlapsGapsAndLeftoverBytesAreRejected()
    {
        Assert.That(Bad(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)).Message,
            Does.Contain("overlapping"));
        Assert.That(Bad(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)).Message, Does.Contain("gap"));
        Assert.That(Bad(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8)).Message, Does.Contain("only 4"));
    }

    [Test]
    public void MetadataMustMapStringsToStrings()
    {
        Assert.That(Bad(Raw("{\"__metadata__\":{\"epochs\":3}}", 0)).Message, Does.Contain("epochs"));
    }

    [Test]
    public void AnotherDtypeIsReadAsBytesButNotAsFloats()
    {
        string path = Raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
        using var reader = SafeTensorsReader.Open(path);
        var info = reader.Get("h");
        Assert.That(reader.ReadBytes(info), Has.Length.EqualTo(4));
        var e = Assert.Throws<CheckpointException>(() => reader.ReadFloat32(info));
        Assert.That(e!.Message, Does.Contain("F16"));
    }
}
