namespace CudaPrune.Core.Models;

/// <summary>Shared shape rule of max and average pooling over square windows.</summary>
public abstract record PoolSpec(string Name, int Kernel, int Stride, int Padding) : LayerSpec(Name)
{
    public override FeatureShape OutputShape(FeatureShape input)
    {
        RequirePositive(this, Kernel, "kernel");
        RequirePositive(this, Stride, "stride");
        if (Padding < 0 || 2 * Padding > Kernel) throw Error($"padding must be in [0, kernel/2], got {Padding} with kernel {Kernel}");
        RequireMap(input);
        if (input.Height + 2 * Padding < Kernel || input.Width + 2 * Padding < Kernel)
            throw Error($"window {Kernel} with padding {Padding} does not fit its input {input}");
        return FeatureShape.Map(input.Channels,
            (input.Height + 2 * Padding - Kernel) / Stride + 1,
            (input.Width + 2 * Padding - Kernel) / Stride + 1);
    }

    /// <summary>One FLOP per window element read (a compare or an add).</summary>
    public override LayerCost Cost(FeatureShape input) => new(0, OutputShape(input).Count * Kernel * Kernel);
}

/// <summary>Max pooling.</summary>
public sealed record MaxPoolSpec(string Name, int Kernel, int Stride, int Padding = 0) : PoolSpec(Name, Kernel, Stride, Padding);

/// <summary>Average pooling (padded cells count in the divisor).</summary>
public sealed record AvgPoolSpec(string Name, int Kernel, int Stride, int Padding = 0) : PoolSpec(Name, Kernel, Stride, Padding);
