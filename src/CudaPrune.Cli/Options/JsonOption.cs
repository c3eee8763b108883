using System.CommandLine;

namespace CudaPrune.Cli.Options;

/// <summary>
/// The <c>--json [FILE]</c> option of <c>eval</c>, <c>info</c>, <c>verify</c>, <c>prune</c> and <c>profile</c>:
/// alone (or <c>--json -</c>) the command prints one JSON document to stdout and all its other text to stderr;
/// with a file path it writes the document there and prints as usual.
/// </summary>
public static class JsonOption
{
    /// <summary>The value that means stdout, as for most Unix tools.</summary>
    public const string Stdout = "-";

    /// <param name="what">What the document holds, for the help text ("the accuracy and loss").</param>
    public static Option<string?> Create(string what) => new("--json")
    {
        Description = $"Print {what} as one JSON document (snake_case keys) to stdout, everything else to stderr. "
            + "--json FILE writes the document to FILE instead (--json - is stdout).",
        HelpName = "FILE",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Starts the command's JSON output as the option asks (call it first: it redirects what the command prints).</summary>
    public static JsonOutput Open(ParseResult r, Option<string?> option)
    {
        var given = r.GetResult(option);
        if (given is null) return JsonOutput.None();
        var value = r.GetValue(option);
        if (given.Tokens.Count == 0 || value == Stdout) return JsonOutput.ToStdout();
        return JsonOutput.ToFile(OutputFileOption.Resolve(value, "--json")!);
    }
}
