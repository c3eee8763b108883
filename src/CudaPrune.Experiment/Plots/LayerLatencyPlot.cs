using CudaPrune.Experiment;
using ScottPlot;

namespace CudaPrune.Experiment.Plots;

/// <summary>Per top-level layer, the median latency of the baseline and of the layer- and channel-pruned models at one budget and batch size (grouped bars).</summary>
public static class LayerLatencyPlot
{
    public static Plot Create(CompareResults r, double budget, int batch)
    {
        var series = r.Variants.Where(v => v.Seed == r.Seeds[0] && v.Control.Length == 0 && (v.Method == VariantMethod.Baseline || v.Budget == budget)).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var colors = new Dictionary<VariantMethod, Color>
        {
            [VariantMethod.Baseline] = palette.GetColor(7),
            [VariantMethod.Layer] = palette.GetColor(3),
            [VariantMethod.Channel] = palette.GetColor(0),
            [VariantMethod.IsoLatency] = palette.GetColor(2),
        };
        var layers = r.BaselineLayers;
        var perSeries = series.Select(v => LayerBreakdown.Microseconds(v.Profile.At(batch).Kernels, layers)).ToList();
        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        int group = series.Count + 1;
        for (int li = 0; li < layers.Count; li++)
        {
            for (int si = 0; si < series.Count; si++)
                if (perSeries[si].TryGetValue(layers[li], out double us))
                    bars.Add(new Bar { Position = li * group + si, Value = us, FillColor = colors[series[si].Method], LineWidth = 0 });
            ticks.Add(new Tick(li * group + (series.Count - 1) / 2.0, layers[li]));
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.MinimumSize = 90; // room for the rotated layer names
        plot.Axes.Margins(bottom: 0);
        foreach (var v in series)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = v.Label + FormattableString.Invariant($" ({v.Profile.At(batch).KernelSum?.Median / 1000 ?? double.NaN:F2} ms)"), FillColor = colors[v.Method] });
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title(FormattableString.Invariant($"{r.ModelName}: per-layer latency at batch {batch}, budget {budget:0.00} (sum of kernel medians; no bar: layer removed)"));
        plot.YLabel("median µs per forward pass");
        return plot;
    }
}
