using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Training;

/// <summary>
/// The state a training run needs to continue after its last finished epoch, as one safetensors file:
/// the model's parameters and buffers ("model/NAME", batch-norm running stats included), the optimizer's
/// momentum buffers ("momentum/NAME"), and in the metadata the epoch reached, the finished epochs' metrics,
/// the run's identity (options that must match to resume) and a SHA-256 over all of it.
/// </summary>
/// <remarks>
/// Nothing else crosses an epoch boundary: the learning rate is a function of the global step (epoch ×
/// steps per epoch), and the data order and augmentation are re-derived from the seed for each epoch and
/// batch (<see cref="Data.DataLoader"/>), so these tensors plus the epoch number restore the run exactly.
/// Written atomically (<see cref="SafeTensorsWriter"/>): a kill mid-write leaves the previous epoch's file.
/// </remarks>
public sealed class ResumeFile(string path, IReadOnlyDictionary<string, string> identity)
{
    public const string EpochKey = "resume.epoch";
    public const string HistoryKey = "resume.history";
    public const string SpecKey = "resume.spec";
    public const string ChecksumKey = "resume.sha256";
    public const string OptionPrefix = "resume.option.";
    private const string ModelPrefix = "model/";
    private const string MomentumPrefix = "momentum/";

    // NaN test metrics (no test set) must survive the round trip.
    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>What must be equal between the interrupted run and the resuming one, by option name.</summary>
    public IReadOnlyDictionary<string, string> Identity { get; } = identity;

    public bool Exists => File.Exists(Path);

    /// <summary>Writes the state after <paramref name="epoch"/> (1-based) epochs, replacing the previous file atomically.</summary>
    public void Save(Model model, SgdOptimizer optimizer, int epoch, IReadOnlyList<EpochMetrics> history)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EpochKey] = epoch.ToString(CultureInfo.InvariantCulture),
            [HistoryKey] = JsonSerializer.Serialize(history, s_json),
            [SpecKey] = model.Spec.ToJson(),
        };
        foreach (var (k, v) in Identity) metadata[OptionPrefix + k] = v;
        var tensors = new List<(string Name, int[] Shape, float[] Values)>();
        foreach (var (name, t) in model.StateDict()) tensors.Add((ModelPrefix + name, t.Shape, t.ToArray()));
        foreach (var (name, t) in optimizer.MomentumBuffers) tensors.Add((MomentumPrefix + name, t.Shape, t.ToArray()));
        tensors.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        metadata[ChecksumKey] = Checksum(metadata, tensors.Select(t => (t.Name, t.Shape, (ReadOnlyMemory<byte>)ToBytes(t.Values))));
        SafeTensorsWriter.Write(Path, tensors.Select(t => new SafeTensorsEntry(t.Name, t.Shape, () => t.Values)).ToList(), metadata);
    }

    /// <summary>
    /// Restores the model's tensors and the optimizer's momentum from the file and returns the epoch reached and
    /// the finished epochs' metrics. Throws <see cref="CheckpointException"/> for a missing or corrupt file and
    /// <see cref="ResumeMismatchException"/> when the file belongs to a run with other options.
    /// </summary>
    public (int Epoch, IReadOnlyList<EpochMetrics> History) Restore(Model model, SgdOptimizer optimizer)
    {
        if (!Exists) throw new CheckpointException(Path, "nothing to resume: no resume file (the run never finished an epoch)");
        SafeTensorsReader reader;
        try { reader = SafeTensorsReader.Open(Path); }
        catch (CheckpointException e) { throw Corrupt(e.Message, e); }
        using (reader)
        {
            var metadata = reader.Metadata;
            var tensors = reader.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            var bytes = tensors.Select(t => reader.ReadBytes(t)).ToList();
            if (!metadata.TryGetValue(ChecksumKey, out var stored)
                || stored != Checksum(metadata, tensors.Select((t, i) => (t.Name, t.Shape, (ReadOnlyMemory<byte>)bytes[i]))))
                throw Corrupt("its checksum does not match its contents (damaged or edited); delete it to start over", null);

            CheckIdentity(metadata, model);
            var state = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int i = 0; i < tensors.Count; i++) state[tensors[i].Name] = FromBytes(bytes[i]);
            LoadModel(model, state);
            LoadMomentum(model, optimizer, state);
            int epoch = int.Parse(metadata[EpochKey], CultureInfo.InvariantCulture);
            var history = JsonSerializer.Deserialize<List<EpochMetrics>>(metadata[HistoryKey], s_json)!;
            return (epoch, history);
        }
    }

    private void CheckIdentity(IReadOnlyDictionary<string, string> metadata, Model model)
    {
        foreach (var (key, value) in Identity)
        {
            var was = metadata.TryGetValue(OptionPrefix + key, out var v) ? v : "(not set)";
            if (was != value) throw new ResumeMismatchException(Path, key, was, value);
        }
        foreach (var key in metadata.Keys.Where(k => k.StartsWith(OptionPrefix, StringComparison.Ordinal)))
        {
            var name = key[OptionPrefix.Length..];
            if (!Identity.ContainsKey(name)) throw new ResumeMismatchException(Path, name, metadata[key], "(not set)");
        }
        if (metadata.GetValueOrDefault(SpecKey) != model.Spec.ToJson())
            throw new ResumeMismatchException(Path, "model", "another architecture or shape", model.Spec.Name);
    }

    private static void LoadModel(Model model, Dictionary<string, float[]> state)
    {
        var be = model.Backend;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using (DisposeScope.Suspend())
                foreach (var (name, live) in model.StateDict())
                    tensors[name] = be.FromArray(state[ModelPrefix + name], live.Shape);
            model.LoadStateDict(tensors);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static void LoadMomentum(Model model, SgdOptimizer optimizer, Dictionary<string, float[]> state)
    {
        var shapes = optimizer.Parameters.ToDictionary(p => p.Name, p => p.Param.Shape, StringComparer.Ordinal);
        var momentum = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (DisposeScope.Suspend())
            foreach (var (key, values) in state.Where(kv => kv.Key.StartsWith(MomentumPrefix, StringComparison.Ordinal)))
            {
                var name = key[MomentumPrefix.Length..];
                momentum[name] = model.Backend.FromArray(values, shapes[name]);
            }
        optimizer.Rebind(optimizer.Parameters.ToList(), momentum);
    }

    private CheckpointException Corrupt(string why, Exception? inner) =>
        new(Path, $"the resume file is corrupt and was not used: {why}", inner: inner);

    /// <summary>SHA-256 over every metadata entry but the checksum and every tensor's name, shape and bytes, in name order.</summary>
    private static string Checksum(IReadOnlyDictionary<string, string> metadata, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<byte> Bytes)> tensors)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (k, v) in metadata.Where(kv => kv.Key != ChecksumKey).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sha.AppendData(Encoding.UTF8.GetBytes($"{k}\0{v}\0"));
        foreach (var (name, shape, bytes) in tensors)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\0{string.Join(',', shape)}\0"));
            sha.AppendData(bytes.Span);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static byte[] ToBytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static float[] FromBytes(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
