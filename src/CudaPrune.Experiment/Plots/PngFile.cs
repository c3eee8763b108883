using CudaPrune.Core.IO;
using ScottPlot;

namespace CudaPrune.Experiment.Plots;

/// <summary>Renders a plot to PNG bytes and writes them atomically.</summary>
public static class PngFile
{
    public static void Write(Plot plot, string path, int width, int height)
    {
        using var image = plot.GetImage(width, height);
        var bytes = image.GetImageBytes(ImageFormat.Png);
        AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, bytes));
    }
}
