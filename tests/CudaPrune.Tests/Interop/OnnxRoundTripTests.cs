using CudaPrune.Interop.Export;
using CudaPrune.Interop.Import;
using CudaPrune.Tests.Nn;
using Google.Protobuf;
using static CudaPrune.Tests.Interop.OnnxRuntimeReference;

namespace CudaPrune.Tests.Interop;

/// <summary>export → import → export gives the same file; an imported model computes what the original did.</summary>
public class OnnxRoundTripTests
{
    // vgg16 is left to the ONNX Runtime tests: its 15M parameters would add seconds and no new layer kind.
    private static IEnumerable<TestCaseData> Cases() =>
        from model in new[] { "simplecnn", "resnet20" }
        from variant in Enum.GetValues<Variant>()
        select new TestCaseData(model, variant);

    [TestCaseSource(nameof(Cases))]
    public void AnExportedModelImportsToTheSameSpecTensorsAndLogits(string name, Variant variant)
    {
        var original = InteropModels.Weights(name, variant);
        var first = OnnxExporter.Export(original);

        var imported = OnnxImporter.Import(first).Model;
        var second = OnnxExporter.Export(imported);

        Assert.That(imported.Spec, Is.EqualTo(original.Spec));
        Assert.That(imported.Tensors.Keys, Is.EquivalentTo(original.Tensors.Keys));
        Assert.That(original.Tensors.All(kv => BitExact.Same(kv.Value, imported.Tensors[kv.Key])), Is.True, "tensors come back bit for bit");
        Assert.That(second.ToByteArray().AsSpan().SequenceEqual(first.ToByteArray()), Is.True, "the second export is byte-identical to the first");
        var images = Images(2);
        Assert.That(BitExact.Same(Ours(imported, images), Ours(original, images)), Is.True, "the imported model gives the original's logits bit for bit");
    }

    [TestCase("resnet20", Variant.Baseline)]
    [TestCase("resnet20", Variant.LayerPruned)]
    public void AFoldedExportImportsAndExportsToTheSameGraph(string name, Variant variant)
    {
        var options = new OnnxExportOptions { FoldBatchNorm = true };
        var original = InteropModels.Weights(name, variant);
        var first = OnnxExporter.Export(original, options);

        var imported = OnnxImporter.Import(first).Model;
        var second = OnnxExporter.Export(imported, options);

        // The spec changes (a conv with bias instead of conv + batch norm; in blocks, a batch norm of scale 1), the graph does not.
        Assert.That(second.Graph.ToByteArray().AsSpan().SequenceEqual(first.Graph.ToByteArray()), Is.True, "same nodes, names and weight bytes");
        var images = Images(2);
        Assert.That(RelativeError(Ours(imported, images), Ours(original, images)), Is.LessThan(1e-5));
    }

    [Test]
    public void AFoldedTinyVggImportsAsConvolutionsWithBiases()
    {
        var options = new OnnxExportOptions { FoldBatchNorm = true };
        var original = InteropModels.Weights(InteropModels.TinyVgg(), seed: 4);
        var first = OnnxExporter.Export(original, options);

        var imported = OnnxImporter.Import(first).Model;

        Assert.That(imported.Spec.Layers.Select(l => l.Name),
            Is.EqualTo(new[] { "features.0", "features.2", "features.3", "features.4", "features.6", "features.7", "flatten", "classifier" }));
        Assert.That(imported.Tensors.Keys, Does.Contain("features.0.bias"));
        Assert.That(OnnxExporter.Export(imported, options).Graph.ToByteArray().AsSpan().SequenceEqual(first.Graph.ToByteArray()), Is.True);
        var images = Images(2);
        Assert.That(RelativeError(Ours(imported, images), Ours(original, images)), Is.LessThan(1e-5));
    }
}
