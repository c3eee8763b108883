using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CudaPrune.Experiment;

/// <summary>Where and with what a run was made: device, driver, versions, commit, date, machine load.</summary>
public sealed record RunInfo(string Device, string Backend, string Driver, string Version, string Commit, string DotNet, string Os,
    int Processors, DateTime StartedUtc, double? LoadAverageStart, double? LoadAverageEnd)
{
    /// <summary>The build's version and commit (.NET puts the commit after '+' in AssemblyInformationalVersion).</summary>
    public static (string Version, string Commit) Build()
    {
        var v = typeof(RunInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        int plus = v.IndexOf('+');
        return plus < 0 ? (v, "unknown") : (v[..plus], v[(plus + 1)..]);
    }

    public static RunInfo Start(string device, string backend, string driver)
    {
        var (version, commit) = Build();
        return new RunInfo(device, backend, driver, version, commit, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription,
            Environment.ProcessorCount, DateTime.UtcNow, LoadAverage(), null);
    }

    /// <summary>The same, with the load average at the end.</summary>
    public RunInfo Finished() => this with { LoadAverageEnd = LoadAverage() };

    /// <summary>/proc/loadavg's 1-minute load (Linux), or null: on a shared machine, other processes' load shows in every timing.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
