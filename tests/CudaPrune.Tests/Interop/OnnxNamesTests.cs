using CudaPrune.Interop.Import;

namespace CudaPrune.Tests.Interop;

/// <summary>Layer names recovered from initializer and node names.</summary>
public class OnnxNamesTests
{
    [TestCase("/layer1/layer1.0/conv1/Conv", "layer1.0.conv1")]
    [TestCase("/layer2/layer2.0/shortcut/shortcut.0/Conv", "layer2.0.shortcut.0")]
    [TestCase("/features/features.2/Relu", "features.2")]
    [TestCase("/layer1/layer1.0/Add", "layer1.0")]
    [TestCase("/Relu", null)]
    [TestCase("layer3.1.conv2", "layer3.1.conv2")]
    [TestCase("Conv_12", "Conv_12")]
    [TestCase("onnx::Conv_73", null)]
    [TestCase("", null)]
    public void ANodeNameGivesItsModulePath(string nodeName, string? expected) =>
        Assert.That(OnnxNames.FromNode(nodeName), Is.EqualTo(expected));

    [TestCase("features.0.weight", "weight", "features.0")]
    [TestCase("layer1.0.conv1.weight", "conv1.weight", "layer1.0")]
    [TestCase("onnx::Conv_73", "weight", null)]
    [TestCase("weight", "weight", null)]
    [TestCase("fc.bias", "weight", null)]
    public void AStateDictNameGivesItsLayer(string initializer, string suffix, string? expected) =>
        Assert.That(OnnxNames.FromParameter(initializer, suffix), Is.EqualTo(expected));
}
