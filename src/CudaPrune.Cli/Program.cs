using System.CommandLine;
using System.CommandLine.Invocation;
using CudaPrune.Cli.Commands;

namespace CudaPrune.Cli;

/// <summary>Entry point of the <c>cudaprune</c> console driver.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>
    /// Parses and runs one command line; what System.CommandLine rejects (an unknown option or command, a
    /// missing required option, a value of the wrong type or not among the allowed ones) exits with
    /// <see cref="ExitCodes.Usage"/>. Tests run the CLI in process through this.
    /// </summary>
    public static int Run(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        int code = parse.Invoke();
        return parse.Action is ParseErrorAction ? ExitCodes.Usage : code;
    }

    /// <summary>The command tree; tests parse against it too.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "CudaPrune: a CNN engine with hand-written CUDA kernels for studying channel and layer pruning, kernel by kernel.");
        // One line per command; each lives in Commands/<Name>Command.cs.
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        return root;
    }
}
