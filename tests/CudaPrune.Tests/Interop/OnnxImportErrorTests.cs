using CudaPrune.Interop;
using CudaPrune.Interop.Export;
using CudaPrune.Interop.Import;
using CudaPrune.Interop.Onnx.Proto;
using CudaPrune.Tests.Checkpoints;
using Google.Protobuf;
using static CudaPrune.Interop.OnnxAttributes;

namespace CudaPrune.Tests.Interop;

/// <summary>Files that are not ONNX, and ONNX models that do not map to our layers: each is refused with a message that says why and where.</summary>
public class OnnxImportErrorTests
{
    private TempFolder _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempFolder();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static byte[] ExportedBytes() => OnnxExporter.Export(InteropModels.Weights("resnet20", Variant.LayerPruned)).ToByteArray();

    /// <summary>A conv, then <paramref name="opType"/>, then flatten and a classifier.</summary>
    private static ModelProto WithNode(string opType, string domain = "", params AttributeProto[] attributes)
    {
        var g = new TestGraph();
        var x = g.Conv(g.Input(), "/conv/Conv", 3, 4, 3, 2, 1, bias: true);
        x = g.Node(opType, "/act/" + opType, domain, [x], attributes);
        x = g.Node("Flatten", "/Flatten", [x], Int("axis", 1));
        return g.Build(g.Node("Gemm", "/fc/Gemm", [x, g.Weights([10, 4 * 16 * 16], -0.1f, 0.2f), g.Weights([10], 0, 0.1f)], Int("transB", 1)), 10);
    }

    [Test]
    public void RandomBytesAreNotAnOnnxModel()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        string path = _dir.File("random.onnx");
        File.WriteAllBytes(path, bytes);

        Assert.That(() => OnnxFile.Read(path), Throws.TypeOf<OnnxFormatException>().With.Message.StartsWith(path).And.Message.Contains("not"));
    }

    [TestCase(0.5)]
    [TestCase(0.999)]
    public void ATruncatedFileIsRefused(double keep)
    {
        var bytes = ExportedBytes();
        string path = _dir.File("truncated.onnx");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);

        Assert.That(() => OnnxImporter.Import(path), Throws.TypeOf<OnnxFormatException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void AnEmptyFileIsRefused()
    {
        string path = _dir.File("empty.onnx");
        File.WriteAllBytes(path, []);

        Assert.That(() => OnnxFile.Read(path), Throws.TypeOf<OnnxFormatException>().With.Message.Contains("empty"));
    }

    [Test]
    public void AMissingFileIsNamed()
    {
        string path = _dir.File("absent.onnx");
        Assert.That(() => OnnxImporter.Import(path), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(path));
    }

    [Test]
    public void UnsupportedOperatorsAreAllListedWithTheirNodes()
    {
        var model = WithNode("Sigmoid");
        var extra = new NodeProto { OpType = "FusedConv", Domain = "com.microsoft", Name = "fused_1" };
        extra.Input.Add("input");
        extra.Output.Add("unused");
        model.Graph.Node.Add(extra);
        var unnamed = new NodeProto { OpType = "Tanh" };
        unnamed.Input.Add("input");
        unnamed.Output.Add("unused2");
        model.Graph.Node.Add(unnamed);

        var e = Assert.Throws<UnsupportedOnnxOpsException>(() => OnnxImporter.Import(model))!;

        Assert.That(e.Nodes.Select(n => n.ToString()), Is.EqualTo(new[]
        {
            "Sigmoid (node '/act/Sigmoid')", "com.microsoft.FusedConv (node 'fused_1')", $"Tanh (node '#{model.Graph.Node.Count - 1}')",
        }));
        Assert.That(e.Message, Does.Contain("unsupported ONNX operators: FusedConv, Sigmoid, Tanh").And.Contain("/act/Sigmoid").And.Contain("Supported: Conv"));
    }

    [TestCase("Conv", "group")]
    [TestCase("MaxPool", "ceil_mode")]
    [TestCase("AveragePool", "count_include_pad")]
    [TestCase("Flatten", "does not flatten its input [4,16,16]")]
    public void ASupportedOperatorWithAnUnsupportedSettingSaysWhere(string opType, string expected)
    {
        AttributeProto[] attributes = opType switch
        {
            "Conv" => [Ints("kernel_shape", 1, 1), Int("group", 2)],
            "MaxPool" => [Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Int("ceil_mode", 1)],
            "AveragePool" => [Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 0)],
            "Flatten" => [Int("axis", 2)],
            _ => [],
        };
        var model = WithNode(opType, "", attributes);
        if (opType == "Conv")
        {
            var conv = model.Graph.Node.Single(n => n.Name == "/act/Conv");
            conv.Input.Add(new TestGraph().Weights([4, 2, 1, 1], -1, 2, "grouped.weight"));
            model.Graph.Initializer.Add(OnnxTensors.Float("grouped.weight", [4, 2, 1, 1], new float[8]));
        }

        Assert.That(() => OnnxImporter.Import(model), Throws.InstanceOf<OnnxImportException>()
            .With.Message.Contains($"node '/act/{opType}'").And.Message.Contains(expected)
            .And.Property(nameof(OnnxImportException.NodeName)).EqualTo($"/act/{opType}"));
    }

    [Test]
    public void AResidualAddWithoutTheFinalReluSaysWhichAdd()
    {
        var g = new TestGraph();
        var x = g.Relu(g.Conv(g.Input(), "stem", 3, 4, 3, 1, 1, bias: true), "stem_relu");
        var y = g.Conv(g.Relu(g.Conv(x, "c1", 4, 4, 3, 1, 1, bias: true), "r1"), "c2", 4, 4, 3, 1, 1, bias: true);
        x = g.Node("Add", "block_add", [x, y]);
        x = g.Node("Flatten", "flat", [g.Node("GlobalAveragePool", "gap", [x])]);
        var model = g.Build(g.Node("Gemm", "fc", [x, g.Weights([10, 4], -1, 2), g.Weights([10], 0, 1)], Int("transB", 1)), 10);

        Assert.That(() => OnnxImporter.Import(model), Throws.InstanceOf<OnnxImportException>()
            .With.Message.Contains("Add 'block_add'").And.Message.Contains("Relu"));
    }

    [Test]
    public void AGraphWithTwoInputsIsRefused()
    {
        var model = WithNode("Relu");
        var second = model.Graph.Input[0].Clone();
        second.Name = "mask";
        model.Graph.Input.Add(second);

        Assert.That(() => OnnxImporter.Import(model), Throws.InstanceOf<OnnxImportException>().With.Message.Contains("2 inputs (input, mask)"));
    }
}
