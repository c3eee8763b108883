using System.Diagnostics;
using System.Text.Json.Nodes;
using CudaPrune.Experiment.Cells;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Experiment.Cells;

/// <summary>
/// compare as cells, end to end on a tiny fake CIFAR-10: killed (SIGKILL) in the middle of a fine-tuning and run again,
/// run cell by cell from its plan, run with two jobs, or with a corrupted output, it gives the uninterrupted run's
/// results: the same accuracies, per-image answers, statistics and byte-identical models (timings aside, which no two
/// runs share).
/// </summary>
[NonParallelizable] // redirects the console; times nothing but runs real processes
public class CompareResumeTests
{
    private static CifarFixture _data = null!;
    private static TempFolder _folder = null!;
    private static string _reference = null!;

    // Fine-tuning of three epochs over 100 images: the kill lands between its first resume file and its end.
    private static string[] Args(string output) =>
    [
        "compare", "--quick", "--device", "cpu", "--model", "resnet20", "--train-subset", "100", "--test-subset", "20", "--epochs", "2", "--finetune-epochs", "3",
        "--budgets", "0.5", "--batch-sizes", "1", "--runs", "2", "--warmup", "1", "--train-batch", "8", "--seeds", "1", "--controls", "none", "--no-iso-latency",
        "--data", _data.Root, "--out", output,
    ];

    [OneTimeSetUp]
    public void MakeTheUninterruptedRun()
    {
        _data = new CifarFixture(trainPerClass: 10, testPerClass: 2);
        _data.WriteImageFolder(_data.Root, "png");
        _folder = new TempFolder();
        _reference = _folder.File("uninterrupted");
        var run = CliRunner.Run(Args(_reference));
        Assert.That(run.ExitCode, Is.Zero, run.Error + run.Out);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _folder.Dispose();
        _data.Dispose();
    }

    [Test]
    public void AKilledRunRunAgainReusesItsFinishedCellsResumesItsTrainingAndEndsOnTheSameResults()
    {
        var output = _folder.File("killed");
        using (var process = StartCli(Args(output)))
        {
            // SIGKILL as soon as the layer-pruned model's fine-tuning has written its first epoch's resume file.
            var work = Path.Combine(output, "cells", ".work");
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)
                   && !(Directory.Exists(work) && Directory.GetFiles(work, "resume.safetensors", SearchOption.AllDirectories).Any(f => f.Contains("finetune-layer"))))
                Thread.Sleep(5);
            Assert.That(process.HasExited, Is.False, "the run ended before the fine-tuning wrote a resume file");
            process.Kill(entireProcessTree: true); // SIGKILL: nothing of the process's own runs
            process.WaitForExit();
        }
        Assert.That(File.Exists(Path.Combine(output, "results.json")), Is.False);

        var rerun = CliRunner.Run(Args(output));

        Assert.That(rerun.ExitCode, Is.Zero, rerun.Error + rerun.Out);
        Assert.That(rerun.Out, Does.Contain("reused cell baseline s1").And.Contain("reused cell prune layer 0.50 s1"), "the rerun names the cells it reused");
        Assert.That(rerun.Out, Does.Contain("resuming from the resume file after epoch"), "the killed fine-tuning continues from its last epoch");
        Assert.That(rerun.Out, Does.Not.Contain("reused cell finetune layer"));
        AssertSameResults(output);
    }

    [Test]
    public void ACorruptOutputIsRedoneNeverUsed()
    {
        var output = _folder.File("corrupt");
        Assert.That(CliRunner.Run(Args(output)).ExitCode, Is.Zero);
        var model = Directory.GetFiles(Path.Combine(output, "cells"), "model.safetensors", SearchOption.AllDirectories).Single(f => f.Contains("prune-channel"));
        using (var stream = File.OpenWrite(model)) stream.SetLength(stream.Length / 2); // half-written

        var rerun = CliRunner.Run(Args(output));

        Assert.That(rerun.ExitCode, Is.Zero, rerun.Error + rerun.Out);
        Assert.That(rerun.Out, Does.Contain("cell prune channel 0.50 s1").And.Contain("does not match the SHA-256 in cell.json (corrupt or half-written); redoing it"));
        Assert.That(rerun.Out, Does.Contain("reused cell baseline s1"));
        AssertSameResults(output);
    }

    [Test]
    public void ThePlanRunCellByCellThenReportedGivesTheSameResults()
    {
        var output = _folder.File("planned");
        var plan = CliRunner.Run([.. Args(output), "--plan"]);
        Assert.That(plan.ExitCode, Is.Zero, plan.Error + plan.Out);
        Assert.That(Directory.Exists(Path.Combine(output, "cells")), Is.False, "--plan runs nothing");
        var jobs = File.ReadAllLines(Path.Combine(output, ComparePlan.JobsFile));
        Assert.That(jobs[0], Is.EqualTo("stage\tindex\tcell\tname\texclusive"));
        var missing = CliRunner.Run("compare", "--out", output, "--report");
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("cells are not finished"));

        foreach (var line in jobs.Skip(1))
        {
            var cell = line.Split('\t')[2];
            var run = CliRunner.Run("compare", "--out", output, "--cell", cell, "--data", _data.Root);
            Assert.That(run.ExitCode, Is.Zero, line + "\n" + run.Error + run.Out);
        }
        var report = CliRunner.Run("compare", "--out", output, "--report");

        Assert.That(report.ExitCode, Is.Zero, report.Error + report.Out);
        AssertSameResults(output);
        var unknown = CliRunner.Run("compare", "--out", output, "--cell", "0123456789abcdef");
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Error, Does.Contain("no such cell"));
    }

    [Test]
    public void TwoJobsRunCellsInProcessesOfTheirOwnToTheSameResults()
    {
        var output = _folder.File("jobs");
        var log = new System.Text.StringBuilder();
        using var process = StartCli([.. Args(output), "--jobs", "2"], log);
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(4)), Is.True, "compare --jobs 2 did not end within 4 minutes");
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, log.ToString());
        Assert.That(log.ToString(), Does.Contain("cell finetune channel 0.50 s1").And.Contain("started in a process of its own"));
        AssertSameResults(output);
    }

    /// <summary>The CLI in a process of its own; its output and errors are read as they come (a full pipe would stall it) into <paramref name="log"/>.</summary>
    private static Process StartCli(IEnumerable<string> args, System.Text.StringBuilder? log = null)
    {
        log ??= new System.Text.StringBuilder();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "cudaprune.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>results.json equal to the uninterrupted run's but for what timing measures, and every model byte-identical.</summary>
    private static void AssertSameResults(string output)
    {
        Assert.That(Comparable(Path.Combine(output, "results.json")), Is.EqualTo(Comparable(Path.Combine(_reference, "results.json"))));
        var models = Directory.GetFiles(Path.Combine(_reference, "models")).Select(Path.GetFileName).Order().ToList();
        Assert.That(Directory.GetFiles(Path.Combine(output, "models")).Select(Path.GetFileName).Order(), Is.EqualTo(models));
        foreach (var name in models)
            Assert.That(CellStore.Sha256(Path.Combine(output, "models", name!)), Is.EqualTo(CellStore.Sha256(Path.Combine(_reference, "models", name!))), name);
    }

    // What differs between any two runs: latencies and what is judged from them, wall-clock times, the machine's state, paths.
    private static readonly HashSet<string> Measured =
    [
        "run", "timings", "profile", "profile_folded", "layers_us", "speedup", "latency_by_engine", "engines", "speed_claims", "pareto", "speedup_ratio", "checkpoint",
    ];

    private static string Comparable(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Strip(json);
        return json.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).Where(Measured.Contains).ToList()) o.Remove(key);
                foreach (var (_, child) in o) Strip(child);
                break;
            case JsonArray a:
                foreach (var child in a) Strip(child);
                break;
        }
    }
}
