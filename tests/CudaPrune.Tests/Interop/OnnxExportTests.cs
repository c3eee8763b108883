using CudaPrune.Core.Models;
using CudaPrune.Interop;
using CudaPrune.Interop.Export;
using CudaPrune.Interop.Onnx.Proto;
using static CudaPrune.Tests.Interop.OnnxRuntimeReference;

namespace CudaPrune.Tests.Interop;

/// <summary>Exported models run in ONNX Runtime give our logits; the file has the standard's structure and our metadata.</summary>
public class OnnxExportTests
{
    private const double Tolerance = 1e-4;

    // vgg16 (15M parameters) runs once per variant, alternating folding; the small models run every combination.
    private static IEnumerable<TestCaseData> Cases() =>
    [
        .. from model in new[] { "simplecnn", "resnet20" }
           from variant in Enum.GetValues<Variant>()
           from fold in new[] { false, true }
           select new TestCaseData(model, variant, fold, 4),
        new TestCaseData("vgg16", Variant.Baseline, true, 2),
        new TestCaseData("vgg16", Variant.ChannelPruned, false, 2),
        new TestCaseData("vgg16", Variant.LayerPruned, true, 1),
    ];

    [TestCaseSource(nameof(Cases))]
    public void OnnxRuntimeGivesOurLogits(string name, Variant variant, bool foldBatchNorm, int batch)
    {
        var weights = InteropModels.Weights(name, variant);
        var images = Images(batch);
        var onnx = OnnxExporter.Export(weights, new OnnxExportOptions { FoldBatchNorm = foldBatchNorm });

        var expected = Ours(weights, images);
        var actual = Run(onnx, images, batch);

        Assert.That(actual, Has.Length.EqualTo(batch * 10));
        Assert.That(RelativeError(actual, expected), Is.LessThan(Tolerance),
            $"{weights.Spec.Name}, fold {foldBatchNorm}: ours {string.Join(",", expected.Take(4))}, ORT {string.Join(",", actual.Take(4))}");
    }

    [Test]
    public void TheGraphHasOurNamesAndTheStandardFrame()
    {
        var weights = InteropModels.Weights("resnet20", Variant.Baseline);
        var onnx = OnnxExporter.Export(weights);

        Assert.That(onnx.IrVersion, Is.EqualTo(8));
        Assert.That(onnx.OpsetImport.Single().Version, Is.EqualTo(17));
        Assert.That(onnx.ProducerName, Is.EqualTo("cudaprune"));
        var graph = onnx.Graph;
        Assert.That(graph.Input.Single().Name, Is.EqualTo("input"));
        var inputDims = graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.That(inputDims[0].DimParam, Is.EqualTo("N"));
        Assert.That(inputDims.Skip(1).Select(d => d.DimValue), Is.EqualTo(new long[] { 3, 32, 32 }));
        Assert.That(graph.Output.Single().Name, Is.EqualTo("logits"));
        Assert.That(graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue, Is.EqualTo(10));
        Assert.That(graph.Node[^1].Output.Single(), Is.EqualTo("logits"));

        Assert.That(graph.Initializer.Select(t => t.Name), Is.EquivalentTo(weights.Tensors.Keys), "initializers carry the state-dict names");
        var nodeNames = graph.Node.Select(n => n.Name).ToList();
        Assert.That(nodeNames, Does.Contain("layer2.0.shortcut.0").And.Contain("layer2.0.add").And.Contain("linear"));
        Assert.That(nodeNames, Is.Unique);
        Assert.That(graph.Node.Where(n => n.OpType == "Add"), Has.Exactly(9).Items, "one Add per basic block");
        var gemm = graph.Node.Single(n => n.OpType == "Gemm");
        Assert.That(OnnxAttributes.GetInt(gemm, "transB", 0), Is.EqualTo(1));
    }

    [Test]
    public void MetadataDocumentsTheInputAndCarriesTheSpec()
    {
        var weights = InteropModels.Weights("simplecnn", Variant.ChannelPruned);
        var metadata = OnnxExporter.Export(weights, new OnnxExportOptions { FoldBatchNorm = true }).MetadataProps.ToDictionary(p => p.Key, p => p.Value);

        Assert.That(ModelSpec.FromJson(metadata[OnnxMetadata.SpecKey]), Is.EqualTo(weights.Spec));
        Assert.That(metadata[OnnxMetadata.FoldedBatchNormKey], Is.EqualTo("true"));
        Assert.That(metadata[OnnxMetadata.MeanKey], Is.EqualTo("0.4914,0.4822,0.4465"));
        Assert.That(metadata[OnnxMetadata.StdKey], Is.EqualTo("0.247,0.2435,0.2616"));
        Assert.That(metadata[OnnxMetadata.LayoutKey], Is.EqualTo("NCHW"));
        Assert.That(metadata[OnnxMetadata.ChannelOrderKey], Is.EqualTo("RGB"));
        Assert.That(metadata[OnnxMetadata.ScaleKey], Does.Contain("[0, 1]"));
    }

    [Test]
    public void FoldingRemovesEveryBatchNormThatFollowsAConv()
    {
        var weights = InteropModels.Weights(InteropModels.TinyVgg(), seed: 2);
        var plain = OnnxExporter.Export(weights).Graph;
        var folded = OnnxExporter.Export(weights, new OnnxExportOptions { FoldBatchNorm = true }).Graph;

        int batchNorms = weights.Spec.Layers.OfType<BatchNormSpec>().Count();
        Assert.That(plain.Node.Count(n => n.OpType == "BatchNormalization"), Is.EqualTo(batchNorms));
        Assert.That(folded.Node.Count(n => n.OpType == "BatchNormalization"), Is.Zero);
        Assert.That(folded.Node.Where(n => n.OpType == "Conv").Select(n => n.Input.Count), Is.All.EqualTo(3), "each folded conv gets a bias");
        Assert.That(folded.Node, Has.Count.EqualTo(plain.Node.Count - batchNorms));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ConvBiasesAndAveragePoolingWithPaddingExportToo(bool foldBatchNorm)
    {
        var weights = InteropModels.Weights(InteropModels.TinyVgg(), seed: 2);
        var images = Images(3);
        var onnx = OnnxExporter.Export(weights, new OnnxExportOptions { FoldBatchNorm = foldBatchNorm });

        Assert.That(RelativeError(Run(onnx, images, 3), Ours(weights, images)), Is.LessThan(Tolerance));
    }

    [TestCase(Variant.ChannelPruned)]
    [TestCase(Variant.LayerPruned)]
    public void PrunedModelsExportTheirSmallerTensors(Variant variant)
    {
        var baseline = InteropModels.Weights("resnet20", Variant.Baseline);
        var pruned = InteropModels.Weights("resnet20", variant);
        var initializers = OnnxExporter.Export(pruned).Graph.Initializer;

        var shapes = pruned.Spec.StateTensors().ToDictionary(t => t.Name, t => t.Shape.Select(d => (long)d));
        Assert.That(initializers.Select(t => t.Name), Is.EquivalentTo(shapes.Keys));
        Assert.That(initializers.All(t => t.Dims.SequenceEqual(shapes[t.Name]) && t.RawData.Length == 4 * t.Dims.Aggregate(1L, (a, b) => a * b)), Is.True);
        Assert.That(initializers.Sum(t => (long)t.RawData.Length), Is.LessThan(baseline.Tensors.Values.Sum(v => 4L * v.Length) * 0.8));
    }

    [TestCase(16)]
    [TestCase(23)]
    public void AnOpsetOutsideTheSupportedRangeIsRefused(int opset)
    {
        var weights = InteropModels.Weights("simplecnn", Variant.Baseline);
        Assert.That(() => OnnxExporter.Export(weights, new OnnxExportOptions { Opset = opset }),
            Throws.ArgumentException.With.Message.Contains("opset must be between 17 and 22"));
    }

    [Test]
    public void ANewerOpsetRunsInOnnxRuntimeWithItsIrVersion()
    {
        var weights = InteropModels.Weights("simplecnn", Variant.LayerPruned);
        var onnx = OnnxExporter.Export(weights, new OnnxExportOptions { Opset = 21 });
        var images = Images(2);

        Assert.That(onnx.IrVersion, Is.EqualTo(10));
        Assert.That(RelativeError(Run(onnx, images, 2), Ours(weights, images)), Is.LessThan(Tolerance));
    }
}
