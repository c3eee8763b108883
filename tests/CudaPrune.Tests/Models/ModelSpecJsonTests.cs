using CudaPrune.Core.Models;

namespace CudaPrune.Tests.Models;

public class ModelSpecJsonTests
{
    private static IEnumerable<string> ZooNames() => ModelZoo.Names;

    [TestCaseSource(nameof(ZooNames))]
    public void EveryZooSpecRoundTripsThroughJson(string name)
    {
        var spec = ModelZoo.Create(name);
        string json = spec.ToJson();
        var back = ModelSpec.FromJson(json);
        Assert.That(back, Is.EqualTo(spec));
        Assert.That(back.ToJson(), Is.EqualTo(json), "serialising the parsed spec gives the same text");
    }

    [Test]
    public void AHandWrittenSpecParsesToTheLayersItNames()
    {
        const string json = """
            {
              "name": "tiny", "inputChannels": 3, "inputHeight": 8, "inputWidth": 8, "numClasses": 4,
              "layers": [
                {"type": "conv", "name": "stem", "inChannels": 3, "outChannels": 8, "kernel": 3, "stride": 1, "padding": 1, "bias": true},
                {"type": "batchnorm", "name": "bn", "channels": 8},
                {"type": "relu", "name": "act"},
                {"name": "block", "type": "basicblock", "inChannels": 8, "midChannels": 4, "outChannels": 16, "stride": 2, "shortcut": "projection"},
                {"type": "avgpool", "name": "pool", "kernel": 2, "stride": 2, "padding": 0},
                {"type": "maxpool", "name": "pool2", "kernel": 2, "stride": 2, "padding": 0},
                {"type": "flatten", "name": "flat"},
                {"type": "linear", "name": "head", "inFeatures": 16, "outFeatures": 4, "bias": false}
              ]
            }
            """;
        var spec = ModelSpec.FromJson(json);
        var expected = new ModelSpec("tiny", 3, 8, 8, 4,
        [
            new ConvSpec("stem", 3, 8, 3, 1, 1, true),
            new BatchNormSpec("bn", 8),
            new ReluSpec("act"),
            new BasicBlockSpec("block", 8, 4, 16, 2, ShortcutKind.Projection),
            new AvgPoolSpec("pool", 2, 2),
            new MaxPoolSpec("pool2", 2, 2),
            new FlattenSpec("flat"),
            new LinearSpec("head", 16, 4, false),
        ]);
        Assert.That(spec, Is.EqualTo(expected));
    }

    [Test]
    public void TheJsonHoldsOneLayerPerLineWithItsTypeFirst()
    {
        var lines = ModelZoo.Create("simplecnn").ToJson().Split('\n');
        var layerLines = lines.Where(l => l.TrimStart().StartsWith("{\"type\"", StringComparison.Ordinal)).ToList();
        Assert.That(layerLines, Has.Count.EqualTo(8));
        Assert.That(layerLines[0].Trim(), Is.EqualTo(
            "{\"type\": \"conv\", \"name\": \"conv1\", \"inChannels\": 3, \"outChannels\": 64, \"kernel\": 3, \"stride\": 1, \"padding\": 1, \"bias\": true},"));
    }

    [TestCase("{\"type\": \"conv\", \"name\": \"c\", \"inChannels\": 3, \"outChannels\": 4, \"kernel\": 3, \"stride\": 1, \"padding\": 1, \"bias\": false, \"dilation\": 2}", "dilation")]
    [TestCase("{\"type\": \"conv\", \"name\": \"c\", \"outChannels\": 4, \"kernel\": 3, \"stride\": 1, \"padding\": 1, \"bias\": false}", "inChannels")]
    [TestCase("{\"type\": \"deconv\", \"name\": \"c\"}", "deconv")]
    [TestCase("{\"type\": \"basicblock\", \"name\": \"b\", \"inChannels\": 3, \"midChannels\": 3, \"outChannels\": 3, \"stride\": 1, \"shortcut\": \"optionA\"}", "layers[0].shortcut")]
    public void BadLayerJsonIsRejectedNamingWhatIsWrong(string layer, string mentioned)
    {
        string json = $$"""{"name": "m", "inputChannels": 3, "inputHeight": 4, "inputWidth": 4, "numClasses": 4, "layers": [{{layer}}]}""";
        var e = Assert.Throws<ModelSpecException>(() => ModelSpec.FromJson(json));
        Assert.That(e!.Message, Does.Contain(mentioned));
    }

    [Test]
    public void MalformedJsonIsAModelSpecError()
    {
        Assert.Throws<ModelSpecException>(() => ModelSpec.FromJson("{\"name\": \"m\", "));
        Assert.Throws<ModelSpecException>(() => ModelSpec.FromJson("null"));
    }
}
