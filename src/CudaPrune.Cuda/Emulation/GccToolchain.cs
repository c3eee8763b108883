using System.Diagnostics;
using System.Text;

namespace CudaPrune.Cuda.Emulation;

/// <summary>The C++ compiler the emulator is built with: <c>g++</c> on the PATH, or <c>CUDAPRUNE_CXX</c>.</summary>
internal sealed class GccToolchain
{
    public const string CompilerVariable = "CUDAPRUNE_CXX";

    private static readonly Dictionary<string, GccToolchain> Found = [];

    private GccToolchain(string path, string identity)
    {
        Path = path;
        Identity = identity;
    }

    /// <summary>The compiler's full path.</summary>
    public string Path { get; }

    /// <summary>Version and target ("12.2.0 x86_64-linux-gnu"): part of every cache key.</summary>
    public string Identity { get; }

    /// <summary>
    /// Finds the compiler: <paramref name="requested"/> if given, else <c>CUDAPRUNE_CXX</c>, else <c>g++</c>
    /// on the PATH. Throws <see cref="EmulatorBuildException"/> saying what was tried when there is none.
    /// </summary>
    public static GccToolchain Find(string? requested)
    {
        var name = requested ?? Environment.GetEnvironmentVariable(CompilerVariable);
        if (string.IsNullOrEmpty(name)) name = "g++";
        lock (Found)
        {
            if (Found.TryGetValue(name, out var known)) return known;
            var path = Resolve(name, out var tried);
            if (path is null)
                throw new EmulatorBuildException(
                    $"no C++ compiler for the CUDA emulator: '{name}' was not found (tried {string.Join(", ", tried)}). " +
                    $"The emulator compiles kernels/*.cu with g++: install it (Debian: apt-get install g++) or set {CompilerVariable} to a g++.");
            var version = Run(path, ["-dumpfullversion"], workingDirectory: null);
            var machine = Run(path, ["-dumpmachine"], workingDirectory: null);
            if (version.ExitCode != 0)
                throw new EmulatorBuildException($"'{path} -dumpfullversion' failed: {version.Output}");
            var found = new GccToolchain(path, $"{version.Output.Trim()} {machine.Output.Trim()}");
            Found[name] = found;
            return found;
        }
    }

    /// <summary>Runs the compiler in <paramref name="workingDirectory"/>; stdout and stderr together.</summary>
    public (int ExitCode, string Output) Run(IEnumerable<string> arguments, string workingDirectory) =>
        Run(Path, arguments, workingDirectory);

    private static (int ExitCode, string Output) Run(string path, IEnumerable<string> arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    private static string? Resolve(string name, out List<string> tried)
    {
        tried = [];
        if (name.Contains('/'))
        {
            tried.Add(name);
            return File.Exists(name) ? System.IO.Path.GetFullPath(name) : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, name);
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
