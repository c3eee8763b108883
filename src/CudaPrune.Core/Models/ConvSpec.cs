namespace CudaPrune.Core.Models;

/// <summary>2-D convolution, square kernel: weight [OutChannels, InChannels, Kernel, Kernel], optional bias [OutChannels].</summary>
public sealed record ConvSpec(string Name, int InChannels, int OutChannels, int Kernel, int Stride = 1, int Padding = 0, bool Bias = false)
    : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input)
    {
        RequirePositive(this, InChannels, "in_channels");
        RequirePositive(this, OutChannels, "out_channels");
        RequirePositive(this, Kernel, "kernel");
        RequirePositive(this, Stride, "stride");
        if (Padding < 0) throw Error($"padding must be >= 0, got {Padding}");
        RequireMap(input);
        if (input.Channels != InChannels)
            throw Error($"in_channels is {InChannels} but its input has {input.Channels} channels {input}");
        if (input.Height + 2 * Padding < Kernel || input.Width + 2 * Padding < Kernel)
            throw Error($"kernel {Kernel} with padding {Padding} does not fit its input {input}");
        return FeatureShape.Map(OutChannels,
            (input.Height + 2 * Padding - Kernel) / Stride + 1,
            (input.Width + 2 * Padding - Kernel) / Stride + 1);
    }

    /// <summary>2·MACs, plus one add per output for the bias.</summary>
    public override LayerCost Cost(FeatureShape input)
    {
        var o = OutputShape(input);
        long outputs = o.Count;
        long weights = (long)OutChannels * InChannels * Kernel * Kernel;
        return new(weights + (Bias ? OutChannels : 0), 2 * outputs * InChannels * Kernel * Kernel + (Bias ? outputs : 0));
    }

    public override IEnumerable<StateTensorSpec> StateTensors()
    {
        yield return new($"{Name}.weight", [OutChannels, InChannels, Kernel, Kernel], false);
        if (Bias) yield return new($"{Name}.bias", [OutChannels], false);
    }
}
