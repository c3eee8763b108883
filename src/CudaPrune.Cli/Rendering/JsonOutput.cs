using System.Text.Json;
using System.Text.Json.Nodes;
using CudaPrune.Core.IO;
using Spectre.Console;

namespace CudaPrune.Cli;

/// <summary>
/// Where a command's JSON document goes: nowhere, a file, or stdout. While it goes to stdout, everything
/// else the command prints (Console.Out and Spectre's live views) goes to stderr, so stdout holds the
/// document alone; disposing restores both.
/// </summary>
public sealed class JsonOutput : IDisposable
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly TextWriter? _stdout;
    private readonly IAnsiConsole? _ansi;

    private JsonOutput(string? file, TextWriter? stdout, IAnsiConsole? ansi) => (FilePath, _stdout, _ansi) = (file, stdout, ansi);

    /// <summary>The file the document is written to; null for stdout or none.</summary>
    public string? FilePath { get; }

    /// <summary>A document was asked for.</summary>
    public bool Enabled => FilePath is not null || _stdout is not null;

    public static JsonOutput None() => new(null, null, null);

    public static JsonOutput ToFile(string path) => new(path, null, null);

    public static JsonOutput ToStdout()
    {
        var output = new JsonOutput(null, Console.Out, AnsiConsole.Console);
        Console.SetOut(Console.Error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return output;
    }

    /// <summary>Writes the document (indented, one trailing newline); a file is written atomically and named on the console.</summary>
    public void Write(JsonNode document)
    {
        var text = document.ToJsonString(Indented) + "\n";
        if (_stdout is not null)
        {
            _stdout.Write(text);
            _stdout.Flush();
        }
        else if (FilePath is not null)
        {
            AtomicFile.WriteAllText(FilePath, text);
            Console.WriteLine($"wrote {FilePath}");
        }
    }

    public void Dispose()
    {
        if (_stdout is null) return;
        Console.SetOut(_stdout);
        AnsiConsole.Console = _ansi!;
    }
}
