using System.Diagnostics;
using System.Runtime.InteropServices;
using CudaPrune.Cuda.Emulation;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Emulation;

/// <summary>The toy kernels of Emulation/Toys, built once per test run, and helpers to run them.</summary>
internal static class EmulatorToys
{
    /// <summary>The emulator runtime plus the toy modules (not the project's kernels).</summary>
    public static EmulatorSources Sources { get; } = EmulatorSources.RuntimeOnly().WithModulesFrom(ToysFolder());

    private static readonly Lazy<string> Runner = new(() => EmulatorBuild.AsanRunner(Sources));

    public static EmulatedGpu NewGpu() => new(Sources);

    /// <summary>The repository root: the folder above the test binaries that holds CudaPrune.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CudaPrune.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no CudaPrune.sln above the test directory");
    }

    public static string ToysFolder() => Path.Combine(RepositoryRoot(), "tests", "CudaPrune.Tests", "Emulation", "Toys");

    /// <summary>Runs the AddressSanitizer runner (emu-run) of the toys: exit code, stdout, stderr.</summary>
    public static (int ExitCode, string Output, string Errors) RunUnderAsan(params string[] arguments)
    {
        var start = new ProcessStartInfo(Runner.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }

    public static DevicePtr Upload<T>(this IGpu gpu, T[] values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var p = gpu.Allocate(bytes.Length);
        gpu.CopyToDevice(p, bytes);
        return p;
    }

    public static T[] Download<T>(this IGpu gpu, DevicePtr p, int count) where T : unmanaged
    {
        var values = new T[count];
        gpu.CopyToHost(MemoryMarshal.AsBytes(values.AsSpan()), p);
        return values;
    }

    /// <summary>A zero-filled device buffer of <paramref name="count"/> 32-bit elements.</summary>
    public static DevicePtr Zeros(this IGpu gpu, int count)
    {
        var p = gpu.Allocate(4L * count);
        gpu.Memset32(p, 0, count);
        return p;
    }

    /// <summary>Floats from a fixed pseudo-random sequence, uniform in [-1, 1).</summary>
    public static float[] RandomFloats(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
