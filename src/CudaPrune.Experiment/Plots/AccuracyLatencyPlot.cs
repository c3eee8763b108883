using CudaPrune.Experiment;
using ScottPlot;

using CudaPrune.Profiling.Reports;

namespace CudaPrune.Experiment.Plots;

/// <summary>
/// Accuracy after fine-tuning against latency, both methods, one curve per (method, batch size). Latency is
/// shown relative to the baseline at the same batch size, so that batch 1 and a large batch share one axis;
/// the baseline sits at 1.
/// </summary>
public static class AccuracyLatencyPlot
{
    public static Plot Create(CompareResults r, string mode = "eager")
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle];
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        var methods = new[] { (VariantMethod.Layer, palette.GetColor(3)), (VariantMethod.Channel, palette.GetColor(0)) };
        for (int bi = 0; bi < r.Options.BatchSizes.Count; bi++)
        {
            int batch = r.Options.BatchSizes[bi];
            var baseline = ClaimEvaluation.Latency(r.Baseline, batch, mode);
            if (baseline is null) continue;
            foreach (var (method, color) in methods)
            {
                var points = r.Variants.Where(v => v.Method == method)
                    .Select(v => (Variant: v, Latency: ClaimEvaluation.Latency(v, batch, mode)))
                    .Where(p => p.Latency is not null)
                    .OrderBy(p => p.Variant.FlopsKept).ToList();
                if (points.Count == 0) continue;
                var xs = points.Select(p => p.Latency!.Median / baseline.Median).ToArray();
                var ys = points.Select(p => 100 * p.Variant.AccuracyAfter).ToArray();
                var line = plot.Add.Scatter(xs, ys, color);
                line.LegendText = $"{method.ToString().ToLowerInvariant()} pruning, batch {batch}";
                line.MarkerShape = shapes[bi % shapes.Length];
                line.MarkerSize = 9;
                line.LineWidth = 2;
                line.LinePattern = patterns[bi % patterns.Length];
            }
            var b = plot.Add.Scatter(new[] { 1.0 }, new[] { 100 * r.Baseline.AccuracyAfter }, Colors.Black);
            b.MarkerShape = shapes[bi % shapes.Length];
            b.MarkerSize = 11;
            b.LegendText = bi == 0 ? "baseline" : "";
        }
        plot.Title($"{r.ModelName}: accuracy vs latency ({(mode == "graph" ? "CUDA graph" : "eager")}, {r.Dataset})");
        plot.XLabel("median latency ÷ baseline's at the same batch size (lower is faster)");
        plot.YLabel("test accuracy after fine-tuning (%)");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
