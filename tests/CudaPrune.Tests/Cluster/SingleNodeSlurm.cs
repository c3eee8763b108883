using System.ComponentModel;
using System.Diagnostics;
using CudaPrune.Tests.Emulation;

namespace CudaPrune.Tests.Cluster;

/// <summary>
/// The one-machine Slurm of scripts/slurm/start-single-node.sh, for the cluster tests: started (or found
/// running) in the script's default state folder, so a cluster someone started by hand is reused.
/// Without Slurm the test is ignored, except under CI=true where it fails.
/// </summary>
internal sealed class SingleNodeSlurm
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    private SingleNodeSlurm(string state, bool startedHere) => (State, StartedHere) = (state, startedHere);

    /// <summary>The folder of the cluster's slurm.conf, state, logs and munge key.</summary>
    public string State { get; }

    /// <summary>True when this process started the daemons (and so stops them).</summary>
    public bool StartedHere { get; }

    public string Conf => Path.Combine(State, "slurm.conf");

    public static string ScriptsFolder => Path.Combine(EmulatorToys.RepositoryRoot(), "scripts", "slurm");

    /// <summary>Starts the cluster, or finds it running; ends the test (ignored, or failed under CI) when it cannot.</summary>
    public static SingleNodeSlurm Start()
    {
        if (!OperatingSystem.IsLinux()) Unavailable("Slurm runs on Linux only");
        string state = Path.Combine(Path.GetTempPath(), "cudaprune-slurm");
        var start = RunProcess("bash", [Path.Combine(ScriptsFolder, "start-single-node.sh"), state], env: null, TimeSpan.FromMinutes(2));
        if (start.ExitCode != 0) Unavailable(LastLines(start.Error + start.Out, 40));
        return new SingleNodeSlurm(state, startedHere: !start.Error.Contains("already running"));
    }

    /// <summary>Stops the daemons if <see cref="Start"/> started them; a cluster found running is left alone.</summary>
    public void Stop()
    {
        if (StartedHere) RunProcess("bash", [Path.Combine(ScriptsFolder, "stop-single-node.sh"), State], env: null, TimeSpan.FromMinutes(1));
    }

    /// <summary>Runs a program (sbatch, squeue, a script) against this cluster: SLURM_CONF points at its slurm.conf.</summary>
    public Outcome Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunProcess(program, arguments, new Dictionary<string, string> { ["SLURM_CONF"] = Conf }, timeout ?? TimeSpan.FromMinutes(1));

    /// <summary>Fails under CI=true, where the cluster test must run; elsewhere ignores the test.</summary>
    public static void Unavailable(string why)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI=true requires a single-node Slurm (apt-get install slurm-wlm munge; run as root): cannot start Slurm: " + why);
        Assert.Ignore("cannot start Slurm: " + why);
    }

    public static string LastLines(string text, int count) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(count));

    private static Outcome RunProcess(string program, IEnumerable<string> arguments, Dictionary<string, string>? env, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (name, value) in env ?? []) start.Environment[name] = value;
        Process process;
        try { process = Process.Start(start)!; }
        catch (Win32Exception e) { return new Outcome(127, "", $"{program}: {e.Message}"); }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new Outcome(124, output.Result, errors.Result + $"\n{program} did not finish in {timeout.TotalSeconds:0} s");
            }
            return new Outcome(process.ExitCode, output.Result, errors.Result);
        }
    }
}
