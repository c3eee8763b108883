using System.Diagnostics;
using System.Text.Json.Nodes;
using CudaPrune.Tests.Checkpoints;
using CudaPrune.Tests.Data;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Cluster;

/// <summary>
/// A tiny <c>cudaprune compare</c> sweep through a real single-node Slurm, the way docs/CLUSTER.md runs one
/// on a cluster: <c>compare --plan</c>, scripts/slurm/compare-sbatch.sh (one job array per stage, then the
/// report job), and the report assembled from the cells the array tasks finished.
/// </summary>
[Category("Slurm")]
[NonParallelizable] // starts daemons; the plan step redirects the console
public class SlurmSweepTests
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromMinutes(8);

    // One budget, batch 1, one seed, no controls, no iso-latency search: the fewest cells a plan has.
    private static readonly string[] Tiny =
    [
        "--quick", "--device", "cpu", "--model", "resnet20", "--train-subset", "30", "--test-subset", "20", "--epochs", "1", "--finetune-epochs", "1",
        "--budgets", "0.5", "--batch-sizes", "1", "--runs", "2", "--warmup", "1", "--train-batch", "16", "--seeds", "1", "--controls", "none", "--no-iso-latency",
    ];

    private SingleNodeSlurm _slurm = null!;
    private TempFolder _folder = null!;

    [OneTimeSetUp]
    public void StartSlurm()
    {
        var clock = Stopwatch.StartNew();
        _slurm = SingleNodeSlurm.Start();
        TestContext.Progress.WriteLine($"slurm: {(_slurm.StartedHere ? "started" : "found running")} in {clock.Elapsed.TotalSeconds:0.0} s ({_slurm.State})");
    }

    [OneTimeTearDown]
    public void StopSlurm() => _slurm?.Stop();

    [SetUp] public void SetUp() => _folder = new TempFolder();

    [TearDown] public void TearDown() => _folder.Dispose();

    [Test]
    public void ATinySweepRunsAsJobArraysAndItsReportIsAssembledFromTheCells()
    {
        using var data = new CifarFixture(trainPerClass: 3, testPerClass: 2);
        data.WriteImageFolder(data.Root, "png");
        string output = _folder.File("sweep");

        var plan = CliRunner.Run(["compare", .. Tiny, "--data", data.Root, "--out", output, "--plan"]);
        Assert.That(plan.ExitCode, Is.Zero, plan.Error + plan.Out);
        var cells = JobList(output);
        Assert.That(cells, Is.Not.Empty, "the plan lists cells");
        Assert.That(File.Exists(Path.Combine(output, "report.md")), Is.False, "--plan runs nothing");

        // The cells run out of process, as on a cluster node: the CLI beside the test binaries.
        string cli = Path.Combine(TestContext.CurrentContext.TestDirectory, "cudaprune.dll");
        var clock = Stopwatch.StartNew();
        var submit = _slurm.Run("bash", [Path.Combine(SingleNodeSlurm.ScriptsFolder, "compare-sbatch.sh"), output, "--cudaprune", $"{Quoted(Dotnet())} {Quoted(cli)}"]);
        Assert.That(submit.ExitCode, Is.Zero, submit.Error + submit.Out);
        string[] jobs = File.ReadAllLines(Path.Combine(output, "slurm", "job-ids"));
        string report = submit.Out.Trim().Split('\n')[^1].Split(' ')[^1];
        Assert.That(report, Is.EqualTo(jobs[^1]), "the last line names the report job");

        WaitFor(jobs, output);
        TestContext.Progress.WriteLine($"slurm: {cells.Count} cells in {cells.Max(c => c.Stage) + 1} stages ran in {clock.Elapsed.TotalSeconds:0} s");

        var state = _slurm.Run("scontrol", ["show", "job", "-o", report]);
        Assert.That(state.Out, Does.Contain("JobState=COMPLETED"), "the report job\n" + state.Out + Logs(output));
        Assert.That(File.Exists(Path.Combine(output, "report.md")), Is.True, Logs(output));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json"))), Is.Not.Null);
        foreach (var cell in cells)
        {
            // A finished cell is the folder cells/NAME-ID holding its cell.json.
            string[] folders = Directory.GetDirectories(Path.Combine(output, "cells"), "*-" + cell.Id);
            Assert.That(folders, Has.Length.EqualTo(1), $"cell {cell.Id} ({cell.Name}) has one finished folder");
            var record = JsonNode.Parse(File.ReadAllText(Path.Combine(folders[0], "cell.json")))!;
            Assert.That(((string?)record["id"], (string?)record["status"]), Is.EqualTo((cell.Id, "done")), $"cell {cell.Id} ({cell.Name})");
        }
        Assert.That(Directory.GetFiles(Path.Combine(output, "slurm"), "stage*.out"), Has.Length.EqualTo(cells.Count), "one log per array task");

        // Every cell is finished: the report assembles again, from the same folder, without Slurm.
        var again = CliRunner.Run(["compare", "--out", output, "--report"]);
        Assert.That(again.ExitCode, Is.Zero, again.Error + again.Out);
    }

    private sealed record Cell(int Stage, int Index, string Id, string Name, bool Exclusive);

    /// <summary>jobs.tsv: a header, then stage, index, cell, name, exclusive per line.</summary>
    private static List<Cell> JobList(string output)
    {
        string[] lines = File.ReadAllLines(Path.Combine(output, "jobs.tsv"));
        Assert.That(lines[0], Is.EqualTo("stage\tindex\tcell\tname\texclusive"));
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(f => new Cell(int.Parse(f[0]), int.Parse(f[1]), f[2], f[3], f[4] == "yes")).ToList();
    }

    /// <summary>Polls squeue until none of the jobs is pending or running; cancels them and fails after <see cref="SweepTimeout"/>.</summary>
    private void WaitFor(string[] jobs, string output)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var queue = _slurm.Run("squeue", ["-h", "-o", "%i %T %r", "-j", string.Join(',', jobs)]);
            // Jobs purged from slurmctld's memory make squeue refuse their ids: they are long finished.
            if (queue.Out.Trim().Length == 0) return;
            if (clock.Elapsed > SweepTimeout)
            {
                _slurm.Run("scancel", jobs);
                Assert.Fail($"the sweep did not finish in {SweepTimeout.TotalMinutes} min; squeue:\n{queue.Out}{Logs(output)}");
            }
            Thread.Sleep(1000);
        }
    }

    /// <summary>The tail of every task's log, for a failure message.</summary>
    private static string Logs(string output)
    {
        string folder = Path.Combine(output, "slurm");
        if (!Directory.Exists(folder)) return "";
        return string.Concat(Directory.GetFiles(folder, "*.out").Order()
            .Select(f => $"\n---- {Path.GetFileName(f)}\n{SingleNodeSlurm.LastLines(File.ReadAllText(f), 15)}"));
    }

    /// <summary>A word for the shell command line the array tasks run.</summary>
    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>The dotnet that runs these tests (the SDK sets DOTNET_HOST_PATH), else dotnet on PATH.</summary>
    private static string Dotnet()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? process = Environment.ProcessPath;
        return process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
    }
}
