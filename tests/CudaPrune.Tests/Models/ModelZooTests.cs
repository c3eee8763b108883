using CudaPrune.Core.Models;

namespace CudaPrune.Tests.Models;

public class ModelZooTests
{
    [Test]
    public void AnUnknownNameListsTheKnownModels()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet18"));
        Assert.That(e!.Message, Does.Contain("resnet18"));
        foreach (var name in ModelZoo.Names) Assert.That(e.Message, Does.Contain(name));
    }

    [Test]
    public void SimpleCnnIsTheSeedArticlesNetwork()
    {
        var spec = ModelZoo.Create("simplecnn");
        Assert.That(spec.Layer("conv1"), Is.EqualTo(new ConvSpec("conv1", 3, 64, 3, 1, 1, true)));
        Assert.That(spec.Layer("conv2"), Is.EqualTo(new ConvSpec("conv2", 64, 128, 3, 1, 1, true)));
        var fc = (LinearSpec)spec.Layer("fc");
        Assert.That(fc.InFeatures, Is.EqualTo(8192));
        Assert.That(fc.OutFeatures, Is.EqualTo(10));
        Assert.That(spec.Layers.Select(ModelStats.KindOf), Is.EqualTo(new[] { "conv", "relu", "maxpool", "conv", "relu", "maxpool", "flatten", "linear" }));
    }

    [TestCase("resnet20", 3)]
    [TestCase("resnet32", 5)]
    [TestCase("resnet56", 9)]
    public void CifarResNetParameterCountFollowsTheArchitecture(string name, int n)
    {
        // He et al. 2016, depth 6n+2, with projection shortcuts where the shape changes.
        long expected = 3 * 16 * 9 + 2 * 16; // conv1 + bn1
        int inputs = 16;
        foreach (int width in new[] { 16, 32, 64 })
        {
            for (int b = 0; b < n; b++)
            {
                expected += inputs * width * 9 + 2 * width + width * width * 9 + 2 * width;
                if (inputs != width) expected += inputs * width + 2 * width;
                inputs = width;
            }
        }
        expected += 64 * 10 + 10;
        Assert.That(ModelStats.Compute(ModelZoo.Create(name)).Params, Is.EqualTo(expected));
    }

    [Test]
    public void ResNet20HasTheKnownPointTwoSevenMillionParameters()
    {
        Assert.That(ModelStats.Compute(ModelZoo.Create("resnet20")).Params / 1e6, Is.EqualTo(0.27).Within(0.005));
    }

    [TestCase("vgg11", new[] { 64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0 })]
    [TestCase("vgg16", new[] { 64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0 })]
    public void VggParameterCountAndStateNamesFollowTheConfiguration(string name, int[] config)
    {
        long expected = 0;
        var names = new List<string>();
        int inputs = 3, index = 0;
        foreach (int width in config)
        {
            if (width == 0) { index++; continue; }
            expected += inputs * width * 9 + 2 * width;
            names.Add($"features.{index}.weight");
            names.AddRange(new[] { "weight", "bias", "running_mean", "running_var" }.Select(s => $"features.{index + 1}.{s}"));
            index += 3;
            inputs = width;
        }
        expected += 512 * 10 + 10;
        names.AddRange(["classifier.weight", "classifier.bias"]);
        var spec = ModelZoo.Create(name);
        Assert.That(ModelStats.Compute(spec).Params, Is.EqualTo(expected));
        Assert.That(spec.StateTensors().Select(t => t.Name), Is.EqualTo(names));
    }

    [TestCase("resnet20", 3)]
    [TestCase("resnet32", 5)]
    [TestCase("resnet56", 9)]
    public void ResNetStateNamesFollowPyTorch(string name, int n)
    {
        var names = ModelZoo.Create(name).StateTensors().Select(t => t.Name).ToList();
        string[] bn = ["weight", "bias", "running_mean", "running_var"];
        var expected = new List<string> { "conv1.weight" };
        expected.AddRange(bn.Select(s => $"bn1.{s}"));
        for (int stage = 1; stage <= 3; stage++)
            for (int b = 0; b < n; b++)
            {
                string p = $"layer{stage}.{b}";
                expected.Add($"{p}.conv1.weight");
                expected.AddRange(bn.Select(s => $"{p}.bn1.{s}"));
                expected.Add($"{p}.conv2.weight");
                expected.AddRange(bn.Select(s => $"{p}.bn2.{s}"));
                if (stage > 1 && b == 0)
                {
                    expected.Add($"{p}.shortcut.0.weight");
                    expected.AddRange(bn.Select(s => $"{p}.shortcut.1.{s}"));
                }
            }
        expected.AddRange(["linear.weight", "linear.bias"]);
        Assert.That(names, Is.EqualTo(expected));
    }

    [Test]
    public void SimpleCnnStateNamesFollowPyTorch()
    {
        Assert.That(ModelZoo.Create("simplecnn").StateTensors().Select(t => t.ToString()), Is.EqualTo(new[]
        {
            "conv1.weight[64,3,3,3]", "conv1.bias[64]", "conv2.weight[128,64,3,3]", "conv2.bias[128]", "fc.weight[10,8192]", "fc.bias[10]",
        }));
    }
}
