using CudaPrune.Core.Models;

namespace CudaPrune.Tests.Models;

public class ModelStatsTests
{
    [Test]
    public void SimpleCnnFlopsAreCountedLayerByLayer()
    {
        var stats = ModelStats.Compute(ModelZoo.Create("simplecnn"));
        long conv1 = 2L * 3 * 9 * 64 * 32 * 32 + 64 * 32 * 32;   // 2·MACs + bias
        long relu1 = 64 * 32 * 32;
        long pool1 = 64 * 16 * 16 * 4;                           // a 2x2 window per output
        long conv2 = 2L * 64 * 9 * 128 * 16 * 16 + 128 * 16 * 16;
        long relu2 = 128 * 16 * 16;
        long pool2 = 128 * 8 * 8 * 4;
        long fc = 2L * 8192 * 10 + 10;
        Assert.That(stats.Layers.Select(l => l.Flops), Is.EqualTo(new[] { conv1, relu1, pool1, conv2, relu2, pool2, 0, fc }));
        Assert.That(stats.Flops, Is.EqualTo(conv1 + relu1 + pool1 + conv2 + relu2 + pool2 + fc));
        Assert.That(stats.Layers[^1].Output, Is.EqualTo(FeatureShape.Flat(10)));
    }

    [Test]
    public void ABlockIsReportedByPartsThatAddUpToItsCost()
    {
        var block = new BasicBlockSpec("layer2.0", 16, 32, 32, 2, ShortcutKind.Projection);
        var spec = new ModelSpec("m", 16, 8, 8, 10, [block, new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 32, 10)]);
        var rows = ModelStats.Compute(spec).Layers.Where(l => l.Name.StartsWith("layer2.0", StringComparison.Ordinal)).ToList();
        Assert.That(rows.Select(r => r.Name), Is.EqualTo(new[]
        {
            "layer2.0.conv1", "layer2.0.bn1", "layer2.0.conv2", "layer2.0.bn2", "layer2.0.shortcut.0", "layer2.0.shortcut.1", "layer2.0",
        }));
        // Computed here from the shapes: output 32x4x4.
        long outputs = 32 * 4 * 4;
        long conv1 = 2L * 16 * 9 * outputs, conv2 = 2L * 32 * 9 * outputs, shortcut = 2L * 16 * outputs;
        long bns = 3 * 2 * outputs, elementwise = 3 * outputs; // relu after bn1, add, final relu
        Assert.That(rows.Sum(r => r.Flops), Is.EqualTo(conv1 + conv2 + shortcut + bns + elementwise));
        Assert.That(rows.Sum(r => r.Params), Is.EqualTo(16 * 32 * 9 + 32 * 32 * 9 + 16 * 32 + 3 * 2 * 32));
        Assert.That(rows[^1].Output, Is.EqualTo(FeatureShape.Map(32, 4, 4)));
    }

    [Test]
    public void HalvingAStagesWidthRoughlyQuartersItsConvFlops()
    {
        var spec = ModelZoo.Create("resnet20");
        var slim = spec;
        foreach (var layer in spec.Layers.OfType<BasicBlockSpec>().Where(b => b.Name.StartsWith("layer1", StringComparison.Ordinal)))
            slim = slim.ReplaceLayer(layer.Name, layer with { MidChannels = 8 });
        long ConvFlops(ModelSpec s, string name) => ModelStats.Compute(s).Layers.Single(l => l.Name == name).Flops;
        Assert.That(ConvFlops(slim, "layer1.0.conv1"), Is.EqualTo(ConvFlops(spec, "layer1.0.conv1") / 2));
        Assert.That(ModelStats.Compute(slim).Flops, Is.LessThan(ModelStats.Compute(spec).Flops));
    }
}
