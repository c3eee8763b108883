using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>Options of an emulator build; every one has a default.</summary>
public sealed record EmulatorBuildOptions
{
    /// <summary>The g++ to use; default <c>CUDAPRUNE_CXX</c>, else <c>g++</c> on the PATH.</summary>
    public string? Compiler { get; init; }

    /// <summary>The cache folder; default <c>$CUDAPRUNE_CACHE/emu</c> or <c>~/.cache/cudaprune/emu</c>.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>Receives a line per step that does work (compiling, linking); nothing on a cache hit.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// Builds the CPU emulator from kernel sources with g++, or finds the build in the cache
/// (keyed by sha256 of the sources, the flags, the g++ version and this generator):
/// <list type="bullet">
/// <item><see cref="Library"/>: the shared library <see cref="EmulatedGpu"/> loads, every kernel plus
/// the launcher, blocks spread over a pool of threads;</item>
/// <item><see cref="AsanRunner"/>: <c>emu-run</c>, the same kernels built with AddressSanitizer into a
/// standalone program that runs one kernel (docs/EMULATOR.md);</item>
/// <item><see cref="ModuleVariant"/>: a library of the runtime plus one module compiled with <c>-D</c> defines
/// (a kernel name is unique within a library, so a variant cannot share the main one).</item>
/// </list>
/// Each module is preprocessed once to list its kernels, then compiled in its own translation unit
/// (cached per unit) together with a generated table of trampolines; the units are compiled in parallel.
/// </summary>
public static class EmulatorBuild
{
    public const string LibraryFileName = "libcudaprune_emu.so";
    public const string RunnerFileName = "emu-run";

    // Bump when the generated code or the build steps change in a way the sources' hash cannot see.
    private const string GeneratorVersion = "3"; // 3: parameter names in the kernel table
    private const string HarnessUnit = "emu/harness.cpp";

    private static readonly string[] ScanFlags =
        ["-E", "-P", "-x", "c++", "-std=c++20", "-DCUDAPRUNE_EMULATOR", "-DCUDAPRUNE_EMU_SCAN"];

    private static readonly ConcurrentDictionary<string, object> BuildLocks = new();

    private sealed record Flavor(string Name, string[] CompileFlags, string[] LinkFlags, string Output, bool WithHarness);

    // -fno-strict-aliasing: kernels reinterpret float* as float4* as CUDA allows. No -ffast-math: the
    // poison NaNs that expose races must survive. AVX2/FMA where this machine has them: about 30% faster
    // kernels, same results (ISO C++ mode contracts no a*b+c into an FMA, and nothing is reassociated);
    // the flags are part of the cache key, so a cache shared with an older machine stays valid.
    private static readonly Flavor LibraryFlavor = new("library",
        ["-std=c++20", "-O2", .. HostVectorFlags(), "-fPIC", "-pthread", "-fno-strict-aliasing", "-fno-math-errno",
         "-fvisibility=hidden", "-DCUDAPRUNE_EMULATOR"],
        ["-shared", "-pthread"], LibraryFileName, WithHarness: false);

    private static readonly Flavor AsanFlavor = new("asan",
        ["-std=c++20", "-O1", "-g", "-fsanitize=address", "-fno-omit-frame-pointer", "-pthread", "-fno-strict-aliasing",
         "-fno-math-errno", "-DCUDAPRUNE_EMULATOR", "-DCUDAPRUNE_EMU_ASAN"],
        ["-fsanitize=address", "-pthread"], RunnerFileName, WithHarness: true);

    /// <summary>The path of the emulator library built from <paramref name="sources"/>.</summary>
    public static string Library(EmulatorSources sources, EmulatorBuildOptions? options = null) =>
        Build(sources, LibraryFlavor, options ?? new EmulatorBuildOptions(), ModuleDefines.None);

    /// <summary>The path of the AddressSanitizer runner (<c>emu-run</c>) built from <paramref name="sources"/>.</summary>
    public static string AsanRunner(EmulatorSources sources, EmulatorBuildOptions? options = null) =>
        Build(sources, AsanFlavor, options ?? new EmulatorBuildOptions(), ModuleDefines.None);

    /// <summary>
    /// The path of a library holding only <paramref name="module"/>, compiled with <paramref name="defines"/>
    /// as <c>-D</c> flags, plus the runtime. Only the module's unit (and the small kernel table) is compiled
    /// with the defines; the runtime's objects are those of every other build, from the object cache, so a
    /// new variant costs one module compile and a link. Keyed like every build, plus the defines; the other
    /// modules of <paramref name="sources"/> are not part of the key.
    /// </summary>
    public static string ModuleVariant(EmulatorSources sources, string module, ModuleDefines defines, EmulatorBuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(defines);
        return Build(sources.OnlyModule(module), LibraryFlavor, options ?? new EmulatorBuildOptions(), defines);
    }

    private static string Build(EmulatorSources sources, Flavor flavor, EmulatorBuildOptions options, ModuleDefines defines)
    {
        var gcc = GccToolchain.Find(options.Compiler);
        var cache = new EmulatorCache(options.CacheFolder ?? EmulatorCache.DefaultRoot());
        // The defines join the key only when there are some, so that plain builds keep their keys.
        var key = Hash([GeneratorVersion, flavor.Name, gcc.Identity, string.Join(' ', flavor.CompileFlags), string.Join(' ', flavor.LinkFlags),
                        Fingerprint(sources.Files.Keys, sources), .. DefinesKey(defines)]);
        var output = Path.Combine(cache.OutputFolder(key), flavor.Output);
        if (File.Exists(output)) return output;
        lock (BuildLocks.GetOrAdd(output, _ => new object()))
        {
            if (File.Exists(output)) return output;
            var staging = cache.NewStagingFolder();
            try
            {
                new Job(sources, flavor, defines, gcc, cache, staging, options.Log ?? (_ => { })).Run();
                EmulatorCache.Publish(Path.Combine(staging, "out"), cache.OutputFolder(key));
                options.Log?.Invoke($"built {output}");
                return output;
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
        }
    }

    // One build in its staging folder: src/ (the sources), gen/ (generated units), obj/, out/. The defines
    // go to the modules' units only (scan and compile): the runtime and the table never read them.
    private sealed class Job(EmulatorSources sources, Flavor flavor, ModuleDefines defines, GccToolchain gcc, EmulatorCache cache, string staging, Action<string> log)
    {
        private readonly string _variant = defines.IsEmpty ? "" : $" with {defines.Key}";
        private readonly string _src = Path.Combine(staging, "src");
        private readonly string _gen = Path.Combine(staging, "gen");
        private readonly string _runtimeHeaders = Fingerprint(sources.Files.Keys.Where(k => k.StartsWith("emu/", StringComparison.Ordinal) && k.EndsWith(".h", StringComparison.Ordinal)), sources);
        private readonly string _allHeaders = Fingerprint(sources.Files.Keys.Where(k => !k.EndsWith(".cu", StringComparison.Ordinal) && !k.EndsWith(".cpp", StringComparison.Ordinal)), sources);

        public void Run()
        {
            foreach (var (relative, file) in sources.Files)
            {
                var path = Path.Combine(_src, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Text);
            }
            Directory.CreateDirectory(_gen);
            Directory.CreateDirectory(Path.Combine(staging, "obj"));
            Directory.CreateDirectory(Path.Combine(staging, "out"));

            var modules = sources.Modules.ToList();
            var scans = Parallel(modules, Scan);
            var units = new List<(string Name, string Path, string Fingerprint, ModuleDefines Defines)>();
            foreach (var relative in sources.Files.Keys.Where(k => k.StartsWith("emu/", StringComparison.Ordinal) && k.EndsWith(".cpp", StringComparison.Ordinal)))
                if (relative != HarnessUnit || flavor.WithHarness)
                    units.Add((relative, Path.Combine(_src, relative), Hash(sources.Files[relative].Text, _runtimeHeaders), ModuleDefines.None));
            for (int m = 0; m < modules.Count; m++)
            {
                var text = EmulatorCodeGenerator.ModuleUnit(modules[m], scans[m].Kernels);
                units.Add(Generated(EmulatorCodeGenerator.ModuleUnitName(modules[m]), text, sources.Files[modules[m] + ".cu"].Text, defines));
            }
            var table = EmulatorCodeGenerator.TableUnit(
                modules.Select((m, i) => (m, scans[i].Kernels)).ToList(), scans.SelectMany(s => s.GpuOnly).ToList());
            units.Add(Generated("kernel_table.cpp", table, "", ModuleDefines.None)); // not *.emu.cpp: no module can clash with it

            var objects = Parallel(units, u => Compile(u.Name, u.Path, u.Fingerprint, u.Defines));
            var failures = objects.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
            if (failures.Count > 0)
            {
                var what = defines.IsEmpty ? "" : $" of {string.Join(", ", modules.Select(m => m + ".cu"))}{_variant}";
                throw new EmulatorBuildException($"g++ could not compile the CUDA emulator build ({flavor.Name}){what}:\n{string.Join("\n", failures)}");
            }
            Link(objects.Select(o => o.Path!).ToList());
        }

        private (string Name, string Path, string Fingerprint, ModuleDefines Defines) Generated(string name, string text, string moduleText, ModuleDefines unitDefines)
        {
            var path = Path.Combine(_gen, name);
            File.WriteAllText(path, text);
            return (name, path, Hash(text, moduleText, _allHeaders), unitDefines);
        }

        // The kernels g++ compiles for this module (scan mode of cuda_emu.h), and those it leaves out.
        private (IReadOnlyList<KernelDeclaration> Kernels, IReadOnlyList<GpuOnlyKernel> GpuOnly) Scan(string module)
        {
            var source = sources.Files[module + ".cu"].Text;
            // The defines can add or remove kernels (#if), so they are part of the scan's key.
            var cached = cache.ObjectPath(Hash(["scan", GeneratorVersion, gcc.Identity, source, _allHeaders, .. DefinesKey(defines)]), ".scan");
            if (File.Exists(cached)) return ReadScan(cached, module);
            var preprocessed = Path.Combine(staging, "obj", module + ".ii");
            var (exit, output) = gcc.Run([.. ScanFlags, .. defines.CompilerOptions, "-I", _src, Path.Combine(_src, module + ".cu"), "-o", preprocessed], staging);
            if (exit != 0)
                throw new EmulatorBuildException($"g++ could not preprocess {module}.cu{_variant} for the CUDA emulator:\n{MapPaths(output)}");
            var kernels = KernelDeclarationScanner.FromPreprocessed(File.ReadAllText(preprocessed), module);
            var gpuOnly = KernelDeclarationScanner.GpuOnly(source, module, kernels);
            var lines = kernels.Select(k => $"K\t{k.Name}\t{k.MaxThreadsExpression}\t{string.Join(',', k.ParameterNames)}")
                               .Concat(gpuOnly.Select(g => $"G\t{g.Name}\t{g.Reason}"));
            EmulatorCache.WriteAtomically(cached, string.Join("\n", lines));
            return (kernels, gpuOnly);
        }

        private static (IReadOnlyList<KernelDeclaration>, IReadOnlyList<GpuOnlyKernel>) ReadScan(string path, string module)
        {
            var kernels = new List<KernelDeclaration>();
            var gpuOnly = new List<GpuOnlyKernel>();
            foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0))
            {
                if (line[0] == 'K')
                {
                    var f = line.Split('\t', 4);
                    kernels.Add(new KernelDeclaration(f[1], f[2].Length == 0 ? null : f[2], f[3].Length == 0 ? [] : f[3].Split(',')));
                }
                else
                {
                    var f = line.Split('\t', 3);
                    gpuOnly.Add(new GpuOnlyKernel(f[1], module, f[2]));
                }
            }
            return (kernels, gpuOnly);
        }

        // An object from the cache, or compiled and put there. Error: g++'s output, paths mapped back.
        private (string? Path, string? Error) Compile(string name, string unit, string fingerprint, ModuleDefines unitDefines)
        {
            var cached = cache.ObjectPath(Hash([GeneratorVersion, flavor.Name, gcc.Identity, string.Join(' ', flavor.CompileFlags), fingerprint,
                                                .. DefinesKey(unitDefines)]), ".o");
            if (File.Exists(cached)) return (cached, null);
            log(unitDefines.IsEmpty ? $"g++ ({flavor.Name}): {name}" : $"g++ ({flavor.Name}, {unitDefines.Key}): {name}");
            var obj = Path.Combine(staging, "obj", name.Replace('/', '_') + ".o");
            // The staging folder is gone after the build: debug info and __FILE__ name kernels/... instead
            // (what ASan's reports show), the same in every build, so that cached objects stay valid.
            var (exit, output) = gcc.Run([.. flavor.CompileFlags, .. unitDefines.CompilerOptions,
                                          $"-ffile-prefix-map={_src}=kernels", $"-ffile-prefix-map={_gen}=kernels/generated",
                                          "-I", _src, "-c", unit, "-o", obj], staging);
            if (exit != 0) return (null, MapPaths(output));
            EmulatorCache.CopyAtomically(obj, cached);
            return (cached, null);
        }

        private void Link(List<string> objects)
        {
            log($"g++ ({flavor.Name}{(defines.IsEmpty ? "" : $", {defines.Key}")}): linking {flavor.Output}");
            var output = Path.Combine(staging, "out", flavor.Output);
            var (exit, text) = gcc.Run([.. flavor.LinkFlags, "-o", output, .. objects], staging);
            if (exit != 0) throw new EmulatorBuildException($"g++ could not link the CUDA emulator build ({flavor.Name}):\n{MapPaths(text)}");
        }

        // Staging paths in g++'s messages become the files' real (or embedded) names.
        private string MapPaths(string output)
        {
            foreach (var (relative, file) in sources.Files)
                output = output.Replace(Path.Combine(_src, relative), file.DisplayPath, StringComparison.Ordinal);
            return output.Replace(_gen + "/", "(generated) ", StringComparison.Ordinal);
        }
    }

    // What a define set adds to a cache key: nothing for none (plain builds keep their keys).
    private static string[] DefinesKey(ModuleDefines defines) => defines.IsEmpty ? [] : ["defines", defines.Key];

    private static string[] HostVectorFlags() =>
        System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? ["-mavx2", "-mfma"] : [];

    private static T[] Parallel<TIn, T>(IReadOnlyList<TIn> items, Func<TIn, T> work)
    {
        var results = new T[items.Count];
        try
        {
            System.Threading.Tasks.Parallel.For(0, items.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => results[i] = work(items[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is EmulatorBuildException))
        {
            throw new EmulatorBuildException(string.Join("\n", e.InnerExceptions.Select(x => x.Message)));
        }
        return results;
    }

    private static string Fingerprint(IEnumerable<string> relativePaths, EmulatorSources sources) =>
        Hash(relativePaths.Order(StringComparer.Ordinal).SelectMany(p => new[] { p, sources.Files[p].Text }).ToArray());

    private static string Hash(params string[] parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            sha.AppendData(BitConverter.GetBytes(bytes.Length));
            sha.AppendData(bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
