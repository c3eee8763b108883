using System.CommandLine;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune bench ...</c>: benchmarks that write their results as files.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench", "Benchmarks: kernels against cuBLAS/peak, the CPU backend against the machine's peak. Results are printed and written as files.");
        // One line per benchmark; each lives in Commands/Bench<Name>Command.cs.
        cmd.Subcommands.Add(BenchCpuCommand.Create());
        cmd.Subcommands.Add(BenchKernelsCommand.Create());
        return cmd;
    }
}
