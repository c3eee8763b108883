using CudaPrune.Core.Backends;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Checkpoints;

/// <summary>
/// Model checkpoints as safetensors files: every parameter and buffer as F32 under its state-dict name
/// (PyTorch's <c>safetensors.torch.load_file</c> reads them as they are), and in "__metadata__" the
/// model spec (<see cref="SpecKey"/>), the format version (<see cref="FormatVersionKey"/>) and any
/// caller's entries (training info). Because the spec travels with the weights, a pruned model reloads
/// with its own, smaller shapes.
/// </summary>
public static class Checkpoint
{
    public const string SpecKey = "cudaprune.spec";
    public const string FormatVersionKey = "cudaprune.format_version";
    public const string FormatVersion = "1";

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically (see <see cref="SafeTensorsWriter"/>).
    /// <paramref name="extraMetadata"/> keys must not start with "cudaprune.", which is ours.
    /// </summary>
    public static void Save(Model model, string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>())
        {
            if (key.StartsWith("cudaprune.", StringComparison.Ordinal))
                throw new ArgumentException($"metadata key '{key}' is reserved: keys starting with 'cudaprune.' are written by the checkpoint itself");
            metadata[key] = value;
        }
        metadata[SpecKey] = model.Spec.ToJson();
        metadata[FormatVersionKey] = FormatVersion;
        var entries = model.StateDict().Select(kv =>
        {
            var t = kv.Value;
            return new SafeTensorsEntry(kv.Key, t.Shape, t.ToArray);
        }).ToList();
        SafeTensorsWriter.Write(path, entries, metadata);
    }

    /// <summary>
    /// A model with the spec and the weights of a checkpoint written by <see cref="Save"/>, on <paramref name="backend"/>.
    /// Every tensor must be finite: the first that holds NaN or ±Inf throws a <see cref="NonFiniteTensorException"/>,
    /// unless <paramref name="acceptNonFinite"/> is given, which is then told of each such tensor and the load goes on
    /// (forensics on a diverged run).
    /// </summary>
    public static Model Load(string path, IBackend backend, Action<NonFiniteValues>? acceptNonFinite = null)
    {
        using var reader = Open(path);
        return Build(reader, SpecOf(reader), backend, acceptNonFinite);
    }

    /// <summary>
    /// A model of <paramref name="spec"/> with the weights of a plain state-dict safetensors file (one
    /// saved by PyTorch, or by the ONNX importer); any spec in the file's metadata is ignored.
    /// PyTorch's num_batches_tracked entries are skipped. Non-finite tensors as in <see cref="Load(string, IBackend, Action{NonFiniteValues}?)"/>.
    /// </summary>
    public static Model Load(string path, IBackend backend, ModelSpec spec, Action<NonFiniteValues>? acceptNonFinite = null)
    {
        spec.Validate();
        using var reader = Open(path);
        return Build(reader, spec, backend, acceptNonFinite);
    }

    /// <summary>The metadata of a safetensors file (reads the header only).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var reader = Open(path);
        return reader.Metadata;
    }

    /// <summary>The model spec stored in a checkpoint (reads the header only).</summary>
    public static ModelSpec ReadSpec(string path)
    {
        using var reader = Open(path);
        return SpecOf(reader);
    }

    private static SafeTensorsReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        return SafeTensorsReader.Open(path);
    }

    private static ModelSpec SpecOf(SafeTensorsReader reader)
    {
        var metadata = reader.Metadata;
        if (!metadata.TryGetValue(SpecKey, out var json))
            throw new CheckpointException(reader.Path, $"no model spec in the metadata (key '{SpecKey}'): a plain state dict? Load it with a spec: Checkpoint.Load(path, backend, spec)");
        if (metadata.TryGetValue(FormatVersionKey, out var version) && version != FormatVersion)
            throw new CheckpointException(reader.Path, $"checkpoint format version {version}; this build reads version {FormatVersion}");
        try
        {
            return ModelSpec.FromJson(json);
        }
        catch (ModelSpecException e)
        {
            throw new CheckpointException(reader.Path, $"the model spec in the metadata is invalid: {e.Message}", e.Layer, e);
        }
    }

    private static Model Build(SafeTensorsReader reader, ModelSpec spec, IBackend backend, Action<NonFiniteValues>? acceptNonFinite)
    {
        var expected = spec.StateTensors().ToDictionary(t => t.Name, StringComparer.Ordinal);
        var kept = reader.Tensors.Where(t => !StateDictCheck.IsIgnored(t.Name, expected)).ToList();
        var problems = kept.Where(t => t.DType != "F32").Select(t => new StateDictProblem(
            StateDictProblemKind.WrongDType, t.Name, $"tensor '{t.Name}' has dtype {t.DType}: only F32 is supported")).ToList();
        problems.AddRange(StateDictCheck.Problems(spec, kept.Select(t => new KeyValuePair<string, int[]>(t.Name, t.Shape))));
        if (problems.Count > 0)
            throw new CheckpointException(reader.Path,
                $"the tensors do not match model spec '{spec.Name}':\n  {StateDictCheck.Format(problems)}",
                problems[0].TensorName);

        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using (DisposeScope.Suspend())
                foreach (var t in kept)
                {
                    var values = reader.ReadFloat32(t);
                    if (NonFiniteValues.Find(t.Name, values) is { } bad)
                    {
                        if (acceptNonFinite is null) throw new NonFiniteTensorException(reader.Path, bad);
                        acceptNonFinite(bad);
                    }
                    state[t.Name] = backend.FromArray(values, t.Shape);
                }
            return ModelBuilder.FromState(spec, backend, state);
        }
        catch
        {
            foreach (var t in state.Values) t.Dispose();
            throw;
        }
    }
}
