using System.Globalization;
using System.Text.Json.Nodes;
using CudaPrune.Experiment;
using CudaPrune.Experiment.Reports;
using CudaPrune.Profiling.Reports;
using CudaPrune.Tests.Checkpoints;

namespace CudaPrune.Tests.Experiment;

/// <summary>report.md, results.json, results.csv and the plots of the experiment, written from hand-made results.</summary>
public class ReportWriterTests
{
    [Test]
    public void MarkdownStatesTheClaimTheTableAndEachHalfsVerdict()
    {
        var md = CompareMarkdown.Write(SyntheticResults.Make(), ["accuracy-latency.png"]);

        Assert.That(md, Does.Contain($"**Claim under test:** {ClaimEvaluation.Claim}."));
        Assert.That(md, Does.Contain("| method | budget | seed | depth | params | FLOPs (kept) | acc. before FT | acc. after FT (± SE) | b=1 ms, median (p90) | b=1 speed-up | b=64 ms, median (p90) | b=64 speed-up |"));
        Assert.That(md, Does.Contain("### Accuracy: supported at every budget (mean difference +10.00 points)"));
        Assert.That(md, Does.Contain("### Speed, batch 1, eager (one launch per kernel): supported at every budget (layer pruning 1.50x as fast as channel pruning"));
        Assert.That(md, Does.Contain("### Speed, batch 64, eager (one launch per kernel): not shown: within the noise at every budget"));
        Assert.That(md, Does.Contain("latency(channel) ÷ latency(layer) = 1.50"), "3 ms ÷ 2 ms at batch 1");
        Assert.That(md, Does.Contain("### Every pair").And.Contain("McNemar p"));
        Assert.That(md, Does.Contain("| layer (output-change) | 0.50 | 1 | 1 |"));
        Assert.That(md, Does.Contain("2.00x"), "the layer-pruned model's speed-up at batch 1: 4 ms ÷ 2 ms");
        Assert.That(md, Does.Contain("| layer1.1 | 1,000 | — | 750.0 |"), "the removed block shows as —");
        Assert.That(md, Does.Contain("![accuracy-latency](accuracy-latency.png)"));
        Assert.That(md, Does.Contain("commit `0123abcd`").And.Contain("CIFAR-10 (JPEG copy)").And.Contain("--quick"));
        Assert.That(md, Does.Contain("budget 0.30: layer pruning cannot reach it"));
    }

    [Test]
    public void JsonRecordsRunFactsVariantsClaimsAndTimings()
    {
        var results = SyntheticResults.Make();

        var json = JsonNode.Parse(CompareJson.Write(results))!;

        Assert.That((string?)json["dataset"], Is.EqualTo("CIFAR-10 (JPEG copy)"));
        Assert.That((string?)json["run"]!["commit"], Is.EqualTo("0123abcd"));
        Assert.That((string?)json["run"]!["device"], Is.EqualTo("test device"));
        Assert.That(json["seeds"]!.AsArray().Select(x => (int?)x), Is.EqualTo(new int?[] { 1 }));
        var variants = json["variants"]!.AsArray();
        Assert.That(variants.Select(v => (string?)v!["method"]), Is.EqualTo(new[] { "baseline", "layer", "channel" }));
        Assert.That((double?)variants[1]!["speedup"]!["1"]!["eager"], Is.EqualTo(4000.0 / 2000).Within(1e-9));
        Assert.That((double?)variants[2]!["accuracy_after_finetune"], Is.EqualTo(0.90));
        Assert.That(variants[1]!["layers_us"]!["64"]!.AsObject().ContainsKey("layer1.1"), Is.False);
        Assert.That((double?)variants[0]!["profile"]!["batches"]![0]!["end_to_end_us"]!["median"], Is.EqualTo(4000));
        Assert.That(json["speed_claims"]!.AsArray().Select(c => (string?)c!["verdict"]), Is.EqualTo(new[] { "Supported", "WithinNoise" }));
        Assert.That((string?)json["accuracy_claim"]!["verdict"], Is.EqualTo("Supported"));
        var pair = json["pairs"]!.AsArray().Single()!;
        Assert.That((double?)pair["mcnemar_p"], Is.LessThan(1e-20));
        Assert.That((double?)pair["accuracy_difference"]!["estimate"], Is.EqualTo(0.10).Within(1e-12));
        Assert.That(pair["accuracy_difference"]!["ci95"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That((double?)pair["speedup_ratio"]![0]!["ratio"]!["estimate"], Is.EqualTo(1.5).Within(1e-12));
        Assert.That((string?)variants[1]!["depth_profile"], Is.EqualTo("1"));
        Assert.That(json["pareto"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That((double?)json["timings"]![1]!["cpu_seconds"], Is.EqualTo(9));
    }

    [Test]
    public void CsvHasOneRowPerModelBatchSizeAndMode()
    {
        var lines = CompareCsv.Write(SyntheticResults.Make()).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();

        Assert.That(rows, Has.Count.EqualTo(3 * 2), "3 models x 2 batch sizes, eager only");
        var layerAt1 = rows.Single(r => r[0] == "layer" && r[Array.IndexOf(header, "batch")] == "1");
        Assert.That(double.Parse(layerAt1[Array.IndexOf(header, "median_ms")], CultureInfo.InvariantCulture), Is.EqualTo(2.0).Within(1e-12));
        Assert.That(double.Parse(layerAt1[Array.IndexOf(header, "speedup_vs_baseline")], CultureInfo.InvariantCulture), Is.EqualTo(2.0).Within(1e-12));
        Assert.That(layerAt1[Array.IndexOf(header, "budget")], Is.EqualTo("0.5"));
        Assert.That(rows.Single(r => r[0] == "baseline" && r[Array.IndexOf(header, "batch")] == "64")[Array.IndexOf(header, "budget")], Is.Empty);
    }

    [Test]
    public void CsvQuotesFieldsThatNeedIt()
    {
        Assert.That(Csv.Escape("plain"), Is.EqualTo("plain"));
        Assert.That(Csv.Escape("a,b"), Is.EqualTo("\"a,b\""));
        Assert.That(Csv.Escape("say \"hi\""), Is.EqualTo("\"say \"\"hi\"\"\""));
        Assert.That(new Csv("x", "y").Row(double.NaN, 0.5).ToString(), Is.EqualTo("x,y\n,0.5\n"));
    }

    [Test]
    public void EveryFileIsWrittenAndThePlotsArePngs()
    {
        using var folder = new TempFolder();

        var files = CompareReportFiles.Write(SyntheticResults.Make(), folder.Path);

        Assert.That(folder.Files(), Is.EquivalentTo(new[]
        {
            "report.md", "results.json", "results.csv", "accuracy-latency.png", "speed-crossover.png", "layers-b1-0.50.png", "layers-b64-0.50.png",
        }), "no temporary file is left behind");
        Assert.That(files, Has.Count.EqualTo(7));
        foreach (var png in folder.Files().Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(folder.File(png));
            Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), png);
            Assert.That(bytes, Has.Length.GreaterThan(5000), png);
        }
        Assert.That(File.ReadAllText(folder.File("report.md")), Does.Contain("![layers-b64-0.50](layers-b64-0.50.png)"));
    }

    [Test]
    public void KernelsBelongToTheLongestLayerNameThatPrefixesTheirPath()
    {
        string[] layers = ["conv1", "layer1.0", "layer1.1", "layer1.10"];

        Assert.That(LayerBreakdown.Owner("layer1.1.conv2", layers), Is.EqualTo("layer1.1"));
        Assert.That(LayerBreakdown.Owner("layer1.10.bn1", layers), Is.EqualTo("layer1.10"));
        Assert.That(LayerBreakdown.Owner("layer1.1", layers), Is.EqualTo("layer1.1"));
        Assert.That(LayerBreakdown.Owner("conv10", layers), Is.EqualTo("(other)"));
    }
}
