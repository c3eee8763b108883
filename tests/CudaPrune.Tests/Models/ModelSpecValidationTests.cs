using CudaPrune.Core.Models;

namespace CudaPrune.Tests.Models;

public class ModelSpecValidationTests
{
    private static ModelSpec Spec(params LayerSpec[] layers) => new("m", 3, 8, 8, 10, layers);

    private static ModelSpecException Invalid(ModelSpec spec) => Assert.Throws<ModelSpecException>(spec.Validate)!;

    [Test]
    public void AConvWhoseInChannelsDoNotMatchThePreviousLayerIsNamed()
    {
        var e = Invalid(Spec(
            new ConvSpec("conv1", 3, 16, 3, 1, 1),
            new ConvSpec("conv2", 32, 16, 3, 1, 1),
            new GlobalAvgPoolSpec("gap"),
            new LinearSpec("fc", 16, 10)));
        Assert.That(e.Layer, Is.EqualTo("conv2"));
        Assert.That(e.Message, Does.Contain("conv2").And.Contain("32").And.Contain("16 channels"));
    }

    [Test]
    public void ALinearWhoseInFeaturesDoNotMatchTheFlattenedMapGivesCTimesHTimesW()
    {
        var e = Invalid(Spec(
            new ConvSpec("conv1", 3, 4, 3, 1, 1),
            new MaxPoolSpec("pool", 2, 2),
            new FlattenSpec("flatten"),
            new LinearSpec("fc", 100, 10)));
        Assert.That(e.Layer, Is.EqualTo("fc"));
        Assert.That(e.Message, Does.Contain((4 * 4 * 4).ToString()), "the input has 4 channels of 4x4 after the pool");
    }

    [Test]
    public void ALinearOnAFeatureMapAsksForAFlatten()
    {
        var e = Invalid(Spec(new ConvSpec("conv1", 3, 4, 3, 1, 1), new LinearSpec("fc", 256, 10)));
        Assert.That(e.Layer, Is.EqualTo("fc"));
        Assert.That(e.Message, Does.Contain("flatten"));
    }

    [Test]
    public void ABatchNormWithOtherChannelsIsNamed()
    {
        var e = Invalid(Spec(new ConvSpec("conv1", 3, 4, 3, 1, 1), new BatchNormSpec("bn1", 5), new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 4, 10)));
        Assert.That(e.Layer, Is.EqualTo("bn1"));
    }

    [Test]
    public void AnIdentityShortcutThatChangesTheShapeIsRejected()
    {
        var e = Invalid(Spec(new BasicBlockSpec("layer1.0", 3, 8, 8, 2, ShortcutKind.Identity), new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 8, 10)));
        Assert.That(e.Layer, Is.EqualTo("layer1.0"));
        Assert.That(e.Message, Does.Contain("projection"));
    }

    [Test]
    public void AMismatchInsideABlockNamesTheBlock()
    {
        var e = Invalid(Spec(new BasicBlockSpec("layer1.0", 4, 8, 8, 2, ShortcutKind.Projection), new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 8, 10)));
        Assert.That(e.Layer, Is.EqualTo("layer1.0"));
    }

    [Test]
    public void TheOutputMustHaveNumClassesValues()
    {
        var e = Invalid(Spec(new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 3, 7)));
        Assert.That(e.Layer, Is.EqualTo("fc"));
        Assert.That(e.Message, Does.Contain("[10]"));
        Assert.That(Invalid(Spec(new ConvSpec("conv1", 3, 10, 3, 1, 1))).Message, Does.Contain("[10]"), "a feature map is not logits");
    }

    [Test]
    public void APoolLargerThanItsInputIsRejected()
    {
        var e = Invalid(Spec(new MaxPoolSpec("pool", 16, 16), new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 3, 10)));
        Assert.That(e.Layer, Is.EqualTo("pool"));
    }

    [Test]
    public void LayerNamesMustBeUniqueValidAndGroupedByContainer()
    {
        LayerSpec[] tail = [new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 3, 10)];
        Assert.That(Invalid(Spec([new ReluSpec("a"), new ReluSpec("a"), .. tail])).Message, Does.Contain("twice"));
        Assert.That(Invalid(Spec([new ReluSpec("a..b"), .. tail])).Layer, Is.EqualTo("a..b"));
        Assert.That(Invalid(Spec([new ReluSpec("f.0"), new ReluSpec("g"), new ReluSpec("f.1"), .. tail])).Message, Does.Contain("consecutive"));
        Assert.That(Invalid(Spec([new ReluSpec("f"), new ReluSpec("f.1"), .. tail])).Message, Does.Contain("container"));
    }

    [Test]
    public void AnEmptyModelOrNonPositiveInputIsRejected()
    {
        Invalid(Spec());
        Invalid(new ModelSpec("m", 0, 8, 8, 10, [new GlobalAvgPoolSpec("gap"), new LinearSpec("fc", 0, 10)]));
    }

    [Test]
    public void ShapesFollowTheLayers()
    {
        var shapes = ModelZoo.Create("simplecnn").InferShapes();
        Assert.That(shapes.Select(s => s.ToString()), Is.EqualTo(new[]
        {
            "[3,32,32]", "[64,32,32]", "[64,32,32]", "[64,16,16]", "[128,16,16]", "[128,16,16]", "[128,8,8]", "[8192]", "[10]",
        }));
    }

    [Test]
    public void RewritingASpecKeepsTheOriginalAndValidatesTheResult()
    {
        // The seed article's layer pruning: drop conv2 (with its ReLU and pool); the classifier then sees 64·16·16 inputs.
        var spec = ModelZoo.Create("simplecnn");
        var pruned = spec.RemoveLayers("conv2", "relu2", "pool2");
        Assert.Throws<ModelSpecException>(pruned.Validate, "fc still expects 8192 inputs");
        pruned = pruned.ReplaceLayer("fc", new LinearSpec("fc", 64 * 16 * 16, 10));
        Assert.DoesNotThrow(pruned.Validate);
        Assert.That(spec.Layers, Has.Count.EqualTo(8), "the original is unchanged");
        Assert.Throws<ArgumentException>(() => spec.RemoveLayers("conv3"));
    }
}
