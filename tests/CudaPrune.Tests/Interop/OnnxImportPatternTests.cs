using CudaPrune.Core.Models;
using CudaPrune.Interop;
using CudaPrune.Interop.Import;
using CudaPrune.Interop.Onnx.Proto;
using static CudaPrune.Interop.OnnxAttributes;
using static CudaPrune.Tests.Interop.OnnxRuntimeReference;

namespace CudaPrune.Tests.Interop;

/// <summary>
/// Graphs in the shapes torch.onnx writes them, built by hand: each imported model must give what ONNX
/// Runtime computes from the same file.
/// </summary>
public class OnnxImportPatternTests
{
    private const double Tolerance = 1e-4;

    /// <summary>
    /// torch.onnx.export of a CIFAR ResNet in eval mode: batch norms folded into conv biases (constants named
    /// onnx::Conv_N, one shared through Identity nodes), functional ReLUs at the top ("/Relu"), the stride-2
    /// block's projection shortcut, F.avg_pool2d as a zero Pad + AveragePool, and out.view(out.size(0), -1)
    /// as Shape → Gather → Unsqueeze → Concat → Reshape.
    /// </summary>
    private static ModelProto TorchResNet()
    {
        var g = new TestGraph();
        var x = g.Relu(g.Conv(g.Input(), "/conv1/Conv", 3, 8, 3, 1, 1, bias: true), "/Relu");
        // layer1.0: identity shortcut. Its convs share one bias constant through Identity nodes, as torch's deduplication does.
        var shared = g.Weights([8], -0.1f, 0.2f);
        string Alias(string name) => g.Node("Identity", name, [shared]);
        var a = g.Node("Conv", "/layer1/layer1.0/conv1/Conv", [x, g.Weights([8, 8, 3, 3], -0.3f, 0.6f), Alias("Identity_0")], ConvAttributes(3, 1, 1));
        a = g.Relu(a, "/layer1/layer1.0/Relu");
        a = g.Node("Conv", "/layer1/layer1.0/conv2/Conv", [a, g.Weights([8, 8, 3, 3], -0.3f, 0.6f), Alias("Identity_1")], ConvAttributes(3, 1, 1));
        x = g.Relu(g.Node("Add", "/layer1/layer1.0/Add", [a, x]), "/layer1/layer1.0/Relu_1");
        // layer2.0: stride 2, 8 → 16 channels, projection shortcut listed after the main branch.
        var b = g.Relu(g.Conv(x, "/layer2/layer2.0/conv1/Conv", 8, 16, 3, 2, 1, bias: true), "/layer2/layer2.0/Relu");
        b = g.Conv(b, "/layer2/layer2.0/conv2/Conv", 16, 16, 3, 1, 1, bias: true);
        var s = g.Conv(x, "/layer2/layer2.0/shortcut/shortcut.0/Conv", 8, 16, 1, 2, 0, bias: true);
        x = g.Relu(g.Node("Add", "/layer2/layer2.0/Add", [b, s]), "/layer2/layer2.0/Relu_1");
        var pad = g.Node("Pad", "/Pad", [x, g.Constant("/Constant", 0, 0, 0, 0, 0, 0, 0, 0)]);
        var pooled = g.Node("AveragePool", "/AveragePool", [pad], Ints("kernel_shape", 16, 16), Ints("strides", 16, 16), Ints("pads", 0, 0, 0, 0));
        var shape = g.Node("Shape", "/Shape", [pooled]);
        var batch = g.Node("Gather", "/Gather", [shape, g.Constant("/Constant_1", 0)], Int("axis", 0));
        var unsqueezed = g.Node("Unsqueeze", "/Unsqueeze", [batch, g.Constant("Constant_23", 0)]);
        var target = g.Node("Concat", "/Concat", [unsqueezed, g.Constant("/Constant_2", -1)], Int("axis", 0));
        var flat = g.Node("Reshape", "/Reshape", [pooled, target]);
        var logits = g.Node("Gemm", "/linear/Gemm", [flat, g.Weights([10, 16], -0.5f, 1f, "linear.weight"), g.Weights([10], -0.1f, 0.2f, "linear.bias")],
            Float("alpha", 1f), Float("beta", 1f), Int("transB", 1));
        // The scalar Gather index: torch writes it as a 0-d constant.
        g.Graph.Node.Single(n => n.Name == "/Constant_1").Attribute[0].T.Dims.Clear();
        return g.Build(logits, 10);
    }

    private static AttributeProto[] ConvAttributes(int kernel, int stride, int padding) =>
        [Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding)];

    [Test]
    public void ATorchExportedResNetImportsWithItsBlocksAndGivesOnnxRuntimesLogits()
    {
        var onnx = TorchResNet();
        var images = Images(3);

        var imported = OnnxImporter.Import(onnx, "torch-resnet").Model;

        var layers = imported.Spec.Layers;
        Assert.That(layers.Select(l => l.Name), Is.EqualTo(new[] { "conv1", "relu1", "layer1.0", "layer2.0", "avgpool1", "flatten1", "linear" }));
        Assert.That(layers[2], Is.EqualTo(new BasicBlockSpec("layer1.0", 8, 8, 8, 1, ShortcutKind.Identity)));
        Assert.That(layers[3], Is.EqualTo(new BasicBlockSpec("layer2.0", 8, 16, 16, 2, ShortcutKind.Projection)));
        Assert.That(layers[4], Is.EqualTo(new AvgPoolSpec("avgpool1", 16, 16)));
        Assert.That(RelativeError(Ours(imported, images), Run(onnx, images, 3)), Is.LessThan(Tolerance));
    }

    [Test]
    public void AnUnfoldedExportKeepsItsBatchNormsAndStateDictNames()
    {
        // torch.onnx with do_constant_folding=False: BatchNormalization nodes under the state-dict names; here with
        // eps 1e-3 (not ours), a Dropout, GlobalAveragePool + Flatten, and a classifier as MatMul + Add.
        var g = new TestGraph(seed: 9);
        var x = g.Conv(g.Input(), "/features/features.0/Conv", 3, 6, 3, 1, 1, bias: false, weightName: "features.0.weight");
        x = g.BatchNorm(x, "/features/features.1/BatchNormalization", 6, epsilon: 1e-3f, prefix: "features.1.");
        x = g.Relu(x, "/features/features.2/Relu");
        x = g.Node("MaxPool", "/features/features.3/MaxPool", [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        x = g.Node("Dropout", "/features/features.4/Dropout", [x]);
        x = g.Node("GlobalAveragePool", "/avgpool/GlobalAveragePool", [x]);
        x = g.Node("Flatten", "/Flatten", [x], Int("axis", 1));
        x = g.Node("MatMul", "/fc/MatMul", [x, g.Weights([6, 10], -0.5f, 1f)]);
        var logits = g.Node("Add", "/fc/Add", [g.Weights([10], -0.1f, 0.2f, "fc.bias"), x]);
        var onnx = g.Build(logits, 10);
        var images = Images(2);

        var result = OnnxImporter.Import(onnx);

        var spec = result.Model.Spec;
        Assert.That(spec.Name, Is.EqualTo("main_graph"));
        Assert.That(spec.Layers.Select(l => l.Name), Is.EqualTo(new[] { "features.0", "features.1", "features.2", "features.3", "avgpool", "fc" }));
        Assert.That(spec.Layers[^1], Is.EqualTo(new LinearSpec("fc", 6, 10)));
        Assert.That(result.Model.Tensors.Keys, Does.Contain("features.1.running_var").And.Contain("fc.weight"));
        Assert.That(result.Notes, Has.One.Contains("epsilon 0.001"));
        Assert.That(RelativeError(Ours(result.Model, images), Run(onnx, images, 2)), Is.LessThan(Tolerance));
    }

    [Test]
    public void AStaticBatchReshapeAndAnUntransposedScaledGemmBecomeFlattenAndLinear()
    {
        // A trace at batch 1 without dynamic axes: view(1, -1) is a constant [1, -1]; Gemm with transB=0 and alpha 0.5.
        var g = new TestGraph(seed: 11);
        var x = g.Relu(g.Conv(g.Input(), "conv", 3, 4, 5, 2, 2, bias: true), "relu");
        x = g.Node("AveragePool", "pool", [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        x = g.Node("Reshape", "view", [x, g.Constant("shape", 1, -1)]);
        var logits = g.Node("Gemm", "head", [x, g.Weights([4 * 8 * 8, 10], -0.2f, 0.4f), g.Weights([10], -0.1f, 0.2f)], Float("alpha", 0.5f));
        var onnx = g.Build(logits, 10);
        var images = Images(1);

        var result = OnnxImporter.Import(onnx, "static");

        Assert.That(result.Model.Spec.Layers.Select(l => l.GetType().Name),
            Is.EqualTo(new[] { nameof(ConvSpec), nameof(ReluSpec), nameof(AvgPoolSpec), nameof(FlattenSpec), nameof(LinearSpec) }));
        Assert.That(result.Model.Spec.Layers[0], Is.EqualTo(new ConvSpec("conv", 3, 4, 5, 2, 2, Bias: true)));
        Assert.That(result.Notes, Has.One.Contains("alpha 0.5"));
        Assert.That(RelativeError(Ours(result.Model, images), Run(onnx, images, 1)), Is.LessThan(Tolerance));
    }

    [Test]
    public void ABatchNormAfterABiasedConvInABlockTakesTheBiasIntoItsMean()
    {
        // Nodes without names and constants without state-dict names: every layer gets a made-up name.
        var g = new TestGraph(seed: 13);
        var x = g.Relu(g.BatchNorm(g.Conv(g.Input(), "", 3, 4, 3, 1, 1, bias: false), "", 4), "");
        var y = g.Relu(g.BatchNorm(g.Conv(x, "", 4, 4, 3, 1, 1, bias: true), "", 4), "");
        y = g.BatchNorm(g.Conv(y, "", 4, 4, 3, 1, 1, bias: true), "", 4);
        x = g.Relu(g.Node("Add", "", [x, y]), "");
        x = g.Node("Flatten", "", [g.Node("GlobalAveragePool", "", [x])]);
        var onnx = g.Build(g.Node("Gemm", "", [x, g.Weights([10, 4], -0.5f, 1f), g.Weights([10], 0, 0.1f)], Int("transB", 1)), 10);
        var images = Images(2);

        var imported = OnnxImporter.Import(onnx).Model;

        Assert.That(imported.Spec.Layers.Select(l => l.Name), Is.EqualTo(new[] { "conv1", "bn1", "relu1", "block1", "avgpool1", "fc1" }));
        Assert.That(imported.Spec.Layers[3], Is.EqualTo(new BasicBlockSpec("block1", 4, 4, 4)));
        Assert.That(RelativeError(Ours(imported, images), Run(onnx, images, 2)), Is.LessThan(Tolerance));
    }

    [Test]
    public void NamesThatBreakOurContainerRulesAreAllMadeUp()
    {
        // "/blk/Conv" names the layer "blk", "/blk/act/Relu" the layer "blk.act": "blk" would be a layer and a container.
        var g = new TestGraph(seed: 17);
        var x = g.Relu(g.Conv(g.Input(), "/blk/Conv", 3, 2, 3, 2, 1, bias: true), "/blk/act/Relu");
        x = g.Node("Flatten", "/Flatten", [x], Int("axis", 1));
        var onnx = g.Build(g.Node("Gemm", "/fc/Gemm", [x, g.Weights([10, 2 * 16 * 16], -0.1f, 0.2f), g.Weights([10], 0, 0.1f)], Int("transB", 1)), 10);

        var imported = OnnxImporter.Import(onnx).Model;

        Assert.That(imported.Spec.Layers.Select(l => l.Name), Is.EqualTo(new[] { "conv1", "relu1", "flatten1", "fc1" }));
        Assert.That(imported.Tensors.Keys, Is.EquivalentTo(new[] { "conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias" }));
    }
}
