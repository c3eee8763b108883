using System.Text.Json;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// The cuDNN timings bench/pytorch_reference.py writes (its <c>conv-layers</c> subcommand), read to set our
/// convolution kernels against them: per (op, shape key, TF32 on or off) the warm median in milliseconds.
/// </summary>
public sealed class KernelPyTorchReference
{
    private readonly Dictionary<(string Op, string ShapeKey, bool Tf32), double> _warmMedians;

    private KernelPyTorchReference(string device, Dictionary<(string, string, bool), double> warmMedians)
    {
        Device = device;
        _warmMedians = warmMedians;
    }

    /// <summary>The GPU the reference was measured on (ratios only mean something on the same one).</summary>
    public string Device { get; }

    public int Count => _warmMedians.Count;

    /// <summary>Reads a file of pytorch_reference.py; throws naming the file and the field when it is not one.</summary>
    public static KernelPyTorchReference Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        string device = root.TryGetProperty("device", out var d) ? d.GetString() ?? "" : "";
        if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: no \"results\" array; expected the output of bench/pytorch_reference.py conv-layers");
        var medians = new Dictionary<(string, string, bool), double>();
        foreach (var r in results.EnumerateArray())
        {
            try
            {
                medians[(r.GetProperty("op").GetString()!, r.GetProperty("shape_key").GetString()!, r.GetProperty("tf32").GetBoolean())] =
                    r.GetProperty("warm").GetProperty("median_ms").GetDouble();
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}: a result lacks op, shape_key, tf32 or warm.median_ms: {r}", e);
            }
        }
        return new KernelPyTorchReference(device, medians);
    }

    /// <summary>The results with <see cref="KernelBenchResult.VsCudnn"/> (and its TF32 twin) set where the reference has the op and shape.</summary>
    public IReadOnlyList<KernelBenchResult> Apply(IReadOnlyList<KernelBenchResult> results) =>
        [.. results.Select(r => r.Warm is not { } w || r.Family != "conv" ? r : r with
        {
            VsCudnn = _warmMedians.TryGetValue((r.Op, r.ShapeKey, false), out double off) ? off / w.MedianMs : null,
            VsCudnnTf32 = _warmMedians.TryGetValue((r.Op, r.ShapeKey, true), out double on) ? on / w.MedianMs : null,
        })];
}
