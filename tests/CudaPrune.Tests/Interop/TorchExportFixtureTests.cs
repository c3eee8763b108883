using System.Runtime.CompilerServices;
using CudaPrune.Core.Models;
using CudaPrune.Interop;
using CudaPrune.Interop.Import;
using static CudaPrune.Tests.Interop.OnnxRuntimeReference;

namespace CudaPrune.Tests.Interop;

/// <summary>
/// Files written by torch.onnx itself (Fixtures/, made by make_torch_fixtures.py): a tiny CIFAR ResNet
/// with batch norms folded into conv biases, and the same with BatchNormalization nodes kept.
/// </summary>
public class TorchExportFixtureTests
{
    private static string Fixture(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", name);

    [TestCase("tiny_resnet_folded.onnx", new[] { "conv1", "relu1", "layer1.0", "layer2.0", "avgpool1", "flatten1", "linear" })]
    [TestCase("tiny_resnet_bn.onnx", new[] { "conv1", "bn1", "relu1", "layer1.0", "layer2.0", "avgpool1", "flatten1", "linear" })]
    public void ATorchExportImportsAsOurResNetAndGivesOnnxRuntimesLogits(string file, string[] layers)
    {
        var onnx = OnnxFile.Read(Fixture(file));
        var images = Images(3);

        var imported = OnnxImporter.Import(onnx, "tiny").Model;

        Assert.That(onnx.ProducerName, Is.EqualTo("pytorch"));
        Assert.That(imported.Spec.Layers.Select(l => l.Name), Is.EqualTo(layers));
        Assert.That(imported.Spec.Layers.OfType<BasicBlockSpec>().Select(b => b.Shortcut), Is.EqualTo(new[] { ShortcutKind.Identity, ShortcutKind.Projection }));
        Assert.That(RelativeError(Ours(imported, images), Run(onnx, images, 3)), Is.LessThan(1e-4));
    }
}
