using CudaPrune.Core.Backends;

namespace CudaPrune.Core.Models;

/// <summary>
/// The convolutions of a model spec as <see cref="Conv2dGeometry"/>s at a batch size: every conv layer,
/// the parts of residual blocks included, in forward order — the shapes the conv kernels are checked and
/// benchmarked at.
/// </summary>
public static class ModelConvLayers
{
    /// <summary>Each conv layer's name and geometry.</summary>
    public static IReadOnlyList<(string Name, Conv2dGeometry Geometry)> Of(ModelSpec spec, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var shapes = spec.InferShapes();
        var layers = new List<(string, Conv2dGeometry)>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var input = shapes[i];
            switch (spec.Layers[i])
            {
                case ConvSpec conv:
                    layers.Add((conv.Name, Geometry(conv, input, batch)));
                    break;
                case BasicBlockSpec block:
                    layers.Add((block.Conv1.Name, Geometry(block.Conv1, input, batch)));
                    layers.Add((block.Conv2.Name, Geometry(block.Conv2, block.Conv1.OutputShape(input), batch)));
                    if (block.ShortcutConv is { } shortcut) layers.Add((shortcut.Name, Geometry(shortcut, input, batch)));
                    break;
            }
        }
        return layers;
    }

    /// <summary>The distinct geometries, each with the first layer that has it, in forward order.</summary>
    public static IReadOnlyList<(string Name, Conv2dGeometry Geometry)> Distinct(ModelSpec spec, int batch) =>
        Of(spec, batch).DistinctBy(l => l.Geometry).ToList();

    private static Conv2dGeometry Geometry(ConvSpec conv, FeatureShape input, int batch) =>
        new(batch, conv.InChannels, input.Height, input.Width, conv.OutChannels, conv.Kernel, conv.Stride, conv.Padding);
}
