using System.CommandLine;
using System.Reflection;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune version</c>: the build's version.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var cmd = new Command("version", "Print the CudaPrune version.");
        cmd.SetAction(_ =>
        {
            var v = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"cudaprune {v}");
            return 0;
        });
        return cmd;
    }
}
