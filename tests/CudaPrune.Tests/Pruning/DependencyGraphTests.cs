using CudaPrune.Core.Models;
using CudaPrune.Pruning.Graph;

namespace CudaPrune.Tests.Pruning;

public class DependencyGraphTests
{
    private static string[] Names(IEnumerable<ChannelNode> nodes) => nodes.Select(n => n.ToString()).ToArray();

    [Test]
    public void Resnet20HasThreeStageGroupsAndNineMidChannelGroups()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("resnet20"));
        var prunable = graph.PrunableGroups.ToList();

        Assert.That(prunable, Has.Count.EqualTo(12));
        Assert.That(prunable.Count(g => g.IsResidual), Is.EqualTo(3));
        Assert.That(prunable.Where(g => g.IsResidual).Select(g => g.Channels), Is.EqualTo(new[] { 16, 32, 64 }));
        Assert.That(graph.Groups.Count(g => !g.IsPrunable), Is.EqualTo(2), "the input image's channels and the logits");
    }

    [Test]
    public void Resnet20FirstStageGroupJoinsTheStemEveryBlockOutputAndEveryReader()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("resnet20"));
        var stage1 = graph.GroupOf("conv1", ChannelRole.ConvOut)!;

        Assert.That(Names(stage1.Filters), Is.EqualTo(new[] { "conv1.out", "layer1.0.conv2.out", "layer1.1.conv2.out", "layer1.2.conv2.out" }));
        Assert.That(Names(stage1.BatchNorms), Is.EqualTo(new[] { "bn1", "layer1.0.bn2", "layer1.1.bn2", "layer1.2.bn2" }));
        Assert.That(Names(stage1.Readers), Is.EqualTo(new[] { "layer1.0.conv1.in", "layer1.1.conv1.in", "layer1.2.conv1.in", "layer2.0.conv1.in", "layer2.0.shortcut.0.in" }));
        Assert.That(Names(stage1.Gates), Is.EqualTo(new[] { "bn1", "layer1.0.bn2", "layer1.1.bn2", "layer1.2.bn2" }), "where activations leave for other layers");
    }

    [Test]
    public void Resnet20LaterStagesStartAtTheProjectionShortcutAndEndAtTheClassifier()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("resnet20"));
        var stage2 = graph.GroupOf("layer2.0.shortcut.0", ChannelRole.ConvOut)!;
        var stage3 = graph.GroupOf("layer3.0.shortcut.1", ChannelRole.BatchNorm)!;

        Assert.That(Names(stage2.Filters), Is.EqualTo(new[] { "layer2.0.conv2.out", "layer2.0.shortcut.0.out", "layer2.1.conv2.out", "layer2.2.conv2.out" }));
        Assert.That(stage2, Is.Not.SameAs(graph.GroupOf("conv1", ChannelRole.ConvOut)), "a projection shortcut separates stages");
        Assert.That(Names(stage3.Readers), Does.Contain("linear.in"));
        Assert.That(graph.Node("linear", ChannelRole.LinearIn)!.BlockSize, Is.EqualTo(1), "after global pooling one column per channel");
    }

    [Test]
    public void Resnet20MidChannelsOfABlockAreAGroupOfTheirOwn()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("resnet20"));
        var mid = graph.GroupOf("layer2.1.conv1", ChannelRole.ConvOut)!;

        Assert.That(Names(mid.Nodes), Is.EqualTo(new[] { "layer2.1.conv1.out", "layer2.1.bn1", "layer2.1.conv2.in" }));
        Assert.That(mid.IsResidual, Is.False);
        Assert.That(graph.PrunableGroups.Count(g => !g.IsResidual), Is.EqualTo(9));
    }

    [Test]
    public void SimpleCnnConvBeforeFlattenOwnsBlocksOfColumnsOfTheLinear()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("simplecnn"));
        var conv2 = graph.GroupOf("conv2", ChannelRole.ConvOut)!;
        var fcIn = graph.Node("fc", ChannelRole.LinearIn)!;

        Assert.That(graph.PrunableGroups.Select(g => g.Name), Is.EqualTo(new[] { "conv1", "conv2" }));
        Assert.That(Names(conv2.Nodes), Is.EqualTo(new[] { "conv2.out", "fc.in(×64)" }));
        Assert.That((fcIn.Channels, fcIn.BlockSize), Is.EqualTo((128, 64)), "8192 inputs = 128 channels × 8·8 positions");
        Assert.That(Names(graph.GroupOf("conv1", ChannelRole.ConvOut)!.Nodes), Is.EqualTo(new[] { "conv1.out", "conv2.in" }));
    }

    [Test]
    public void Vgg16HasOneGroupPerConvWithItsBatchNorm()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("vgg16"));
        var groups = graph.PrunableGroups.ToList();

        Assert.That(groups, Has.Count.EqualTo(13));
        Assert.That(groups.All(g => g.Filters.Count() == 1 && g.BatchNorms.Count() == 1 && g.Readers.Count() == 1), Is.True);
        Assert.That(Names(groups[^1].Readers), Is.EqualTo(new[] { "classifier.in" }));
    }

    [Test]
    public void InputAndLogitsAreFixed()
    {
        var graph = DependencyGraph.Build(ModelZoo.Create("simplecnn"));

        Assert.That(graph.GroupOf("conv1", ChannelRole.ConvIn)!.IsPrunable, Is.False);
        Assert.That(graph.GroupOf("fc", ChannelRole.LinearOut)!.IsPrunable, Is.False, "the classifier's outputs are the classes");
    }

    [Test]
    public void TextListsEveryGroupWithItsMembers()
    {
        var text = DependencyGraph.Build(ModelZoo.Create("resnet20")).ToText();

        Assert.That(text, Does.StartWith("resnet20: 14 channel groups, 12 prunable"));
        Assert.That(text, Does.Contain("layer2.0.shortcut.0.out"));
        Assert.That(text, Does.Contain("residual"));
    }
}
