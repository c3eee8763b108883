using System.Globalization;
using CudaPrune.Core.IO;
using CudaPrune.Experiment;
using CudaPrune.Experiment.Plots;

namespace CudaPrune.Experiment.Reports;

/// <summary>
/// Writes the experiment's files into its run folder, each atomically: the PNG plots, results.csv,
/// results.json, and report.md last (it links the others). Nothing is written before the results are complete.
/// </summary>
public static class CompareReportFiles
{
    public const string Report = "report.md";
    public const string Json = "results.json";
    public const string CsvFile = "results.csv";
    public const string AccuracyPlot = "accuracy-latency.png";

    /// <summary>Writes every file; returns their full paths.</summary>
    public static IReadOnlyList<string> Write(CompareResults r, string folder)
    {
        var written = new List<string>();
        string Put(string name, Action<string> write)
        {
            var path = Path.Combine(folder, name);
            write(path);
            written.Add(path);
            return name;
        }

        var plots = new List<string> { Put(AccuracyPlot, p => PngFile.Write(AccuracyLatencyPlot.Create(r), p, 900, 600)) };
        if (r.Claims.Any(c => c.Mode == "graph"))
            plots.Add(Put("accuracy-latency-graph.png", p => PngFile.Write(AccuracyLatencyPlot.Create(r, "graph"), p, 900, 600)));
        if (r.Claims.Select(c => c.Batch).Distinct().Count() >= 2)
            plots.Add(Put("speed-crossover.png", p => PngFile.Write(CrossoverPlot.Create(r), p, 900, 600)));
        foreach (var (layer, _) in r.Pairs.Where(p => p.Layer.Seed == r.Seeds[0]))
            foreach (int batch in r.Options.BatchSizes)
                plots.Add(Put(LayerPlotName(layer.Budget!.Value, batch), p => PngFile.Write(LayerLatencyPlot.Create(r, layer.Budget!.Value, batch), p, 1200, 600)));
        Put(CsvFile, p => AtomicFile.WriteAllText(p, CompareCsv.Write(r)));
        Put(Json, p => AtomicFile.WriteAllText(p, CompareJson.Write(r)));
        Put(Report, p => AtomicFile.WriteAllText(p, CompareMarkdown.Write(r, plots)));
        return written;
    }

    public static string LayerPlotName(double budget, int batch) => string.Create(CultureInfo.InvariantCulture, $"layers-b{batch}-{budget:0.00}.png");
}
