namespace CudaPrune.Core.Models;

/// <summary>Parameters and FLOPs of one layer for one sample (see <see cref="ModelStats"/> for what is counted).</summary>
public readonly record struct LayerCost(long Params, long Flops)
{
    public static LayerCost operator +(LayerCost a, LayerCost b) => new(a.Params + b.Params, a.Flops + b.Flops);
}
