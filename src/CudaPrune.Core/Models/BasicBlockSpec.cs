using System.Text.Json.Serialization;

namespace CudaPrune.Core.Models;

/// <summary>
/// A CIFAR ResNet residual block (see <see cref="Nn.BasicBlock"/>): conv1 3x3 (stride) InChannels→MidChannels,
/// bn1, ReLU, conv2 3x3 MidChannels→OutChannels, bn2, plus the shortcut, then ReLU.
/// </summary>
/// <remarks>
/// MidChannels is free (channel pruning of the residual branch); OutChannels is tied to the residual
/// sum, so it changes for every block of a stage at once. The parts are exposed as plain layer specs
/// (<see cref="Conv1"/> ...) with their full names, for the builder, the statistics and the exporters.
/// </remarks>
public sealed record BasicBlockSpec(string Name, int InChannels, int MidChannels, int OutChannels, int Stride = 1,
    ShortcutKind Shortcut = ShortcutKind.Identity) : LayerSpec(Name)
{
    [JsonIgnore] public ConvSpec Conv1 => new($"{Name}.conv1", InChannels, MidChannels, 3, Stride, 1, false);
    [JsonIgnore] public BatchNormSpec Bn1 => new($"{Name}.bn1", MidChannels);
    [JsonIgnore] public ConvSpec Conv2 => new($"{Name}.conv2", MidChannels, OutChannels, 3, 1, 1, false);
    [JsonIgnore] public BatchNormSpec Bn2 => new($"{Name}.bn2", OutChannels);

    /// <summary>The projection's conv1x1, or null for an identity shortcut.</summary>
    [JsonIgnore] public ConvSpec? ShortcutConv => Shortcut == ShortcutKind.Projection
        ? new($"{Name}.shortcut.0", InChannels, OutChannels, 1, Stride, 0, false) : null;

    /// <summary>The projection's batch norm, or null for an identity shortcut.</summary>
    [JsonIgnore] public BatchNormSpec? ShortcutBn => Shortcut == ShortcutKind.Projection
        ? new($"{Name}.shortcut.1", OutChannels) : null;

    /// <summary>The layers holding tensors, in state_dict order.</summary>
    [JsonIgnore] public IReadOnlyList<LayerSpec> Parts =>
        ShortcutConv is { } sc ? [Conv1, Bn1, Conv2, Bn2, sc, ShortcutBn!] : [Conv1, Bn1, Conv2, Bn2];

    public override FeatureShape OutputShape(FeatureShape input)
    {
        RequirePositive(this, InChannels, "in_channels");
        RequirePositive(this, MidChannels, "mid_channels");
        RequirePositive(this, OutChannels, "out_channels");
        RequirePositive(this, Stride, "stride");
        if (!Enum.IsDefined(Shortcut)) throw Error($"unknown shortcut kind {(int)Shortcut}");
        RequireMap(input);
        if (input.Channels != InChannels)
            throw Error($"in_channels is {InChannels} but its input has {input.Channels} channels {input}");
        if (Shortcut == ShortcutKind.Identity && (Stride != 1 || InChannels != OutChannels))
            throw Error($"an identity shortcut needs stride 1 and out_channels = in_channels, got stride {Stride}, {InChannels}→{OutChannels}: use a projection shortcut");
        var inner = Bn2.OutputShape(Conv2.OutputShape(Bn1.OutputShape(Conv1.OutputShape(input))));
        if (ShortcutConv is { } sc) ShortcutBn!.OutputShape(sc.OutputShape(input));
        return inner;
    }

    /// <summary>The parts' costs, plus a ReLU after bn1, the residual add and the final ReLU.</summary>
    public override LayerCost Cost(FeatureShape input)
    {
        var output = OutputShape(input);
        var mid = Conv1.OutputShape(input);
        var cost = Conv1.Cost(input) + Bn1.Cost(mid) + new LayerCost(0, mid.Count) + Conv2.Cost(mid) + Bn2.Cost(output);
        if (ShortcutConv is { } sc) cost += sc.Cost(input) + ShortcutBn!.Cost(output);
        return cost + new LayerCost(0, 2 * output.Count);
    }

    public override IEnumerable<StateTensorSpec> StateTensors() => Parts.SelectMany(p => p.StateTensors());
}
