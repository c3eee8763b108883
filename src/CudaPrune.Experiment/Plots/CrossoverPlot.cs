using ScottPlot;

namespace CudaPrune.Experiment.Plots;

/// <summary>
/// The speed half of the claim against batch size: latency(channel) ÷ latency(layer) per budget and timing mode,
/// pooled over seeds, with its 95 % interval. Above 1 layer pruning is faster; where a curve crosses 1, the answer
/// flips with the batch size (launch overhead, which layer pruning removes, weighs most at batch 1).
/// </summary>
public static class CrossoverPlot
{
    public static Plot Create(CompareResults r)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        var modes = r.Claims.Select(c => c.Mode).Distinct().ToList();
        var budgets = r.Claims.SelectMany(c => c.Budgets.Select(b => b.Budget)).Distinct().Order().ToList();
        for (int bi = 0; bi < budgets.Count; bi++)
            for (int mi = 0; mi < modes.Count; mi++)
            {
                var points = r.Claims.Where(c => c.Mode == modes[mi])
                    .Select(c => (c.Batch, Verdict: c.Budgets.FirstOrDefault(b => b.Budget == budgets[bi])))
                    .Where(p => p.Verdict is not null).OrderBy(p => p.Batch).ToList();
                if (points.Count == 0) continue;
                var xs = points.Select(p => Math.Log2(p.Batch)).ToArray();
                var ys = points.Select(p => p.Verdict!.Effect.Estimate).ToArray();
                var line = plot.Add.Scatter(xs, ys, palette.GetColor(bi));
                line.LinePattern = patterns[mi % patterns.Length];
                line.LineWidth = 2;
                line.MarkerSize = 7;
                line.LegendText = FormattableString.Invariant($"budget {budgets[bi]:0.00}, {modes[mi]}");
                // Bootstrap intervals are not symmetric: the bar spans the wider side, so it never hides part of the interval.
                var bars = plot.Add.ErrorBar(xs, ys, points.Select(p => Math.Max(p.Verdict!.Effect.Estimate - p.Verdict.Effect.Low, p.Verdict.Effect.High - p.Verdict.Effect.Estimate)).ToArray());
                bars.Color = palette.GetColor(bi);
            }
        var one = plot.Add.HorizontalLine(1);
        one.Color = Colors.Black;
        one.LinePattern = LinePattern.Dotted;
        var batches = r.Options.BatchSizes;
        plot.Axes.Bottom.SetTicks([.. batches.Select(b => Math.Log2(b))], [.. batches.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Title($"{r.ModelName}: is layer pruning faster than channel pruning at the same FLOPs? ({r.Seeds.Count} seed(s))");
        plot.XLabel("batch size");
        plot.YLabel("channel ÷ layer latency, 95 % (>1: layer faster)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
