using System.CommandLine;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Profiling;

namespace CudaPrune.Cli.Options;

/// <summary>The <c>--device</c> option shared by every command that computes.</summary>
public static class DeviceOption
{
    public static Option<string> Create(string defaultValue = "auto") => new("--device")
    {
        Description = "Where to compute: auto (first CUDA GPU, else CPU), cpu, cuda (or cuda:N), emulated (our CUDA kernels run on the CPU by the emulator: slow, for tests and debugging).",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>Opens the backend and says which one was chosen (and why, for auto).</summary>
    public static IBackend Open(string device)
    {
        var backend = BackendFactory.Create(device, out var note);
        if (note.Length > 0) Console.WriteLine(note);
        Console.WriteLine($"device: {backend.Name}");
        DebugLevel.Apply(backend, DebugLevel.FromEnvironment(), Console.Error);
        return backend;
    }
}
