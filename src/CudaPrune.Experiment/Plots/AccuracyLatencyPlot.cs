using CudaPrune.Experiment;
using ScottPlot;

namespace CudaPrune.Experiment.Plots;

/// <summary>
/// Accuracy after fine-tuning against latency, both methods, one curve per (method, batch size): each point is a
/// budget, its accuracy the mean over seeds with a 95 % Student-t error bar, its latency the geometric mean over
/// seeds of the model's median ÷ its own seed's baseline's (so batch 1 and a large batch share one axis; the
/// baseline sits at 1). Points on the Pareto front of their batch size (no other point of either method is both
/// faster and more accurate) are ringed.
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
            var all = new List<(double X, double Y)>();
            foreach (var (method, color) in methods)
            {
                var points = Points(r, method, batch, mode);
                if (points.Count == 0) continue;
                all.AddRange(points.Select(p => (p.X, p.Y)));
                var xs = points.Select(p => p.X).ToArray();
                var ys = points.Select(p => p.Y).ToArray();
                var line = plot.Add.Scatter(xs, ys, color);
                line.LegendText = $"{method.ToString().ToLowerInvariant()} pruning, batch {batch}";
                line.MarkerShape = shapes[bi % shapes.Length];
                line.MarkerSize = 9;
                line.LineWidth = 2;
                line.LinePattern = patterns[bi % patterns.Length];
                var bars = plot.Add.ErrorBar(xs, ys, points.Select(p => p.Error).ToArray());
                bars.Color = color;
            }
            var front = ParetoFrontOf(all);
            if (front.Count > 0)
            {
                var ring = plot.Add.Scatter(front.Select(p => p.X).ToArray(), front.Select(p => p.Y).ToArray(), Colors.Black);
                ring.LineWidth = 0;
                ring.MarkerShape = MarkerShape.OpenCircle;
                ring.MarkerSize = 16;
                ring.LegendText = bi == 0 ? "Pareto front (per batch size)" : "";
            }
            var baselineAccuracy = r.Variants.Where(v => v.Method == VariantMethod.Baseline).Select(v => v.AccuracyAfter).Average();
            var b = plot.Add.Scatter(new[] { 1.0 }, new[] { 100 * baselineAccuracy }, Colors.Black);
            b.MarkerShape = shapes[bi % shapes.Length];
            b.MarkerSize = 11;
            b.LegendText = bi == 0 ? "baseline" : "";
        }
        plot.Title($"{r.ModelName}: accuracy vs latency ({(mode == "graph" ? "CUDA graph" : "eager")}, {r.Dataset}, {r.Seeds.Count} seed(s))");
        plot.XLabel("median latency ÷ baseline's at the same batch size (lower is faster)");
        plot.YLabel("test accuracy after fine-tuning (%), mean ± 95 % over seeds");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Per budget of <paramref name="method"/>: relative latency (geometric mean over seeds), mean accuracy (%) and its 95 % half-width.</summary>
    public static IReadOnlyList<(double Budget, double X, double Y, double Error)> Points(CompareResults r, VariantMethod method, int batch, string mode) =>
        r.Variants.Where(v => v.Method == method && v.Budget is not null && v.Control.Length == 0)
            .GroupBy(v => v.Budget!.Value)
            .Select(g =>
            {
                var ratios = g.Select(v => (Model: ClaimEvaluation.Latency(v, batch, mode), Baseline: ClaimEvaluation.Latency(r.BaselineOf(v.Seed), batch, mode)))
                    .Where(x => x.Model is not null && x.Baseline is not null).Select(x => x.Model!.Median / x.Baseline!.Median).ToList();
                var accuracy = Statistics.MeanInterval.Of([.. g.Select(v => 100 * v.AccuracyAfter)]);
                return (Budget: g.Key, X: ratios.Count > 0 ? Math.Exp(ratios.Average(Math.Log)) : double.NaN, Y: accuracy.Estimate, Error: accuracy.HalfWidth);
            })
            .Where(p => !double.IsNaN(p.X))
            .OrderBy(p => p.X).ToList();

    private static IReadOnlyList<(double X, double Y)> ParetoFrontOf(List<(double X, double Y)> points) =>
        Statistics.ParetoFront.Of(points, p => p.X, p => p.Y);
}
