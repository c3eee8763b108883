using CudaPrune.Cli;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Interop;
using CudaPrune.Interop.Reference;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Nn;
using static CudaPrune.Interop.OnnxAttributes;
using static CudaPrune.Tests.Interop.OnnxRuntimeReference;

namespace CudaPrune.Tests.Interop;

/// <summary><c>cudaprune export</c> and <c>cudaprune import</c> end to end: files that work, and failures that write nothing.</summary>
public class InteropCommandTests
{
    private TempFolder _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempFolder();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    /// <summary>Runs the command line; returns its exit code and what it wrote to stderr.</summary>
    private static (int Code, string Errors) Cli(params string[] args)
    {
        var errors = new StringWriter();
        var previous = Console.Error;
        Console.SetError(errors);
        try
        {
            return (Program.BuildRoot().Parse(args).Invoke(), errors.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private string SaveCheckpoint(string name, Variant variant)
    {
        string path = _dir.File($"{name}.safetensors");
        InteropModels.Weights(name, variant).SaveCheckpoint(path);
        return path;
    }

    [Test]
    public void ExportThenImportGivesACheckpointWithTheSameLogits()
    {
        string original = SaveCheckpoint("resnet20", Variant.ChannelPruned);
        string onnx = _dir.File("model.onnx"), back = _dir.File("back.safetensors");

        Assert.That(Cli("export", "--checkpoint", original, "--out", onnx, "--fold-bn").Code, Is.Zero);
        Assert.That(Cli("import", "--onnx", onnx, "--out", back).Code, Is.Zero);

        var before = ModelWeights.FromCheckpoint(original);
        var after = ModelWeights.FromCheckpoint(back);
        Assert.That(after.Spec.Name, Is.EqualTo(before.Spec.Name), "the graph's name (not the file's, 'model'), for a model we exported");
        Assert.That(Checkpoint.ReadMetadata(back)["source"], Is.EqualTo("onnx"));
        var images = Images(2);
        Assert.That(RelativeError(Ours(after, images), Ours(before, images)), Is.LessThan(1e-5));
        Assert.That(_dir.Files(), Is.EquivalentTo(new[] { "resnet20.safetensors", "model.onnx", "back.safetensors" }), "no temporary files left");
    }

    [Test]
    public void AnImportThatFailsWritesNothing()
    {
        string corrupt = _dir.File("corrupt.onnx"), sigmoid = _dir.File("sigmoid.onnx"), output = _dir.File("out.safetensors");
        var bytes = new byte[1000];
        new Random(2).NextBytes(bytes);
        File.WriteAllBytes(corrupt, bytes);
        var g = new TestGraph();
        var x = g.Node("Sigmoid", "/act/Sigmoid", [g.Conv(g.Input(), "/conv/Conv", 3, 2, 3, 1, 1, bias: false)]);
        x = g.Node("Flatten", "/Flatten", [x], Int("axis", 1));
        OnnxFile.Write(g.Build(g.Node("Gemm", "/fc/Gemm", [x, g.Weights([10, 2048], -1, 2)], Int("transB", 1)), 10), sigmoid);

        var (corruptCode, corruptErrors) = Cli("import", "--onnx", corrupt, "--out", output);
        var (sigmoidCode, sigmoidErrors) = Cli("import", "--onnx", sigmoid, "--out", output);
        var (missingCode, missingErrors) = Cli("import", "--onnx", _dir.File("absent.onnx"), "--out", output);

        Assert.That(corruptCode, Is.EqualTo(CommandRunner.Failure));
        Assert.That(corruptErrors, Does.StartWith("error: ").And.Contain("corrupt.onnx"));
        Assert.That(sigmoidCode, Is.EqualTo(CommandRunner.Failure));
        Assert.That(sigmoidErrors, Does.Contain("Sigmoid (node '/act/Sigmoid')"));
        Assert.That(missingCode, Is.EqualTo(CommandRunner.Failure));
        Assert.That(missingErrors, Does.Contain("ONNX file not found"));
        Assert.That(_dir.Files(), Is.EquivalentTo(new[] { "corrupt.onnx", "sigmoid.onnx" }));
    }

    [Test]
    public void AnExportThatFailsWritesNothing()
    {
        string output = _dir.File("model.onnx");
        string notACheckpoint = _dir.File("junk.safetensors");
        File.WriteAllBytes(notACheckpoint, [1, 2, 3]);

        Assert.That(Cli("export", "--checkpoint", _dir.File("absent.safetensors"), "--out", output).Errors, Does.Contain("checkpoint not found"));
        Assert.That(Cli("export", "--checkpoint", notACheckpoint, "--out", output).Code, Is.EqualTo(CommandRunner.Failure));
        Assert.That(Cli("export", "--checkpoint", SaveCheckpoint("simplecnn", Variant.Baseline), "--out", output, "--opset", "12").Errors, Does.Contain("opset"));
        Assert.That(_dir.Files(), Is.EquivalentTo(new[] { "junk.safetensors", "simplecnn.safetensors" }));
    }

    [Test]
    public void LogitsExportHoldsTheImagesAndOurLogitsOnThem()
    {
        string checkpoint = SaveCheckpoint("simplecnn", Variant.LayerPruned), output = _dir.File("logits.safetensors");

        Assert.That(Cli("export", "--checkpoint", checkpoint, "--out", output, "--format", "logits", "--random", "--count", "3", "--device", "cpu").Code, Is.Zero);

        using var reader = SafeTensorsReader.Open(output);
        var images = reader.ReadFloat32(reader.Get(ReferenceLogits.ImagesName));
        Assert.That(reader.Get(ReferenceLogits.ImagesName).Shape, Is.EqualTo(new[] { 3, 3, 32, 32 }));
        Assert.That(reader.Get(ReferenceLogits.LogitsName).Shape, Is.EqualTo(new[] { 3, 10 }));
        Assert.That(BitExact.Same(images, ReferenceImages.Random(3, 1)), Is.True, "the default seed's images");
        var logits = reader.ReadFloat32(reader.Get(ReferenceLogits.LogitsName));
        Assert.That(BitExact.Same(logits, Ours(ModelWeights.FromCheckpoint(checkpoint), images)), Is.True);
        Assert.That(reader.Metadata["images"], Does.Contain("random"));
    }
}
