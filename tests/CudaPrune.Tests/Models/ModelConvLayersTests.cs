using CudaPrune.Core.Backends;
using CudaPrune.Core.Models;

namespace CudaPrune.Tests.Models;

public class ModelConvLayersTests
{
    [Test]
    public void Resnet20HasTwentyOneConvsOfEightDistinctShapes()
    {
        var spec = ModelZoo.Create("resnet20");

        var layers = ModelConvLayers.Of(spec, 256);
        var distinct = ModelConvLayers.Distinct(spec, 256);

        Assert.That(layers, Has.Count.EqualTo(1 + 9 * 2 + 2), "conv1, two convs per block, two projection shortcuts");
        Assert.That(distinct, Has.Count.EqualTo(8));
        Assert.That(layers[0], Is.EqualTo(("conv1", new Conv2dGeometry(256, 3, 32, 32, 16, 3, 1, 1))));
        Assert.That(layers.Single(l => l.Name == "layer3.0.shortcut.0").Geometry, Is.EqualTo(new Conv2dGeometry(256, 32, 16, 16, 64, 1, 2, 0)));
        Assert.That(layers.Single(l => l.Name == "layer3.2.conv2").Geometry, Is.EqualTo(new Conv2dGeometry(256, 64, 8, 8, 64, 3, 1, 1)));
    }

    [Test]
    public void Vgg16HasThirteenConvsOfNineDistinctShapes()
    {
        var spec = ModelZoo.Create("vgg16");

        var layers = ModelConvLayers.Of(spec, 1);

        Assert.That(layers, Has.Count.EqualTo(13));
        Assert.That(ModelConvLayers.Distinct(spec, 1), Has.Count.EqualTo(9));
        Assert.That(layers[^1], Is.EqualTo(("features.40", new Conv2dGeometry(1, 512, 2, 2, 512, 3, 1, 1))));
        Assert.That(ModelStats.Compute(spec).Layers.Where(l => l.Kind == "conv").Select(l => l.Name), Is.EqualTo(layers.Select(l => l.Name)));
    }
}
