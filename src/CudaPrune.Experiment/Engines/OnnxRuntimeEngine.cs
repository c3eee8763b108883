using System.Runtime.CompilerServices;
using CudaPrune.Core.Models;
using CudaPrune.Interop;
using CudaPrune.Interop.Export;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace CudaPrune.Experiment.Engines;

/// <summary>
/// ONNX Runtime on the CPU: each model is exported by our exporter to bytes in memory (the same spec and
/// tensors, pruned or not) and run by an <see cref="InferenceSession"/> on the CPU execution provider.
/// </summary>
/// <remarks>
/// The native library may be missing (a build that leaves it out, an unsupported platform): the engine is
/// then unavailable with the loader's reason, and nothing else touches ONNX Runtime.
/// </remarks>
public sealed class OnnxRuntimeEngine : ILatencyEngine
{
    public const string EngineName = "onnxruntime";

    private static readonly Lazy<(EngineAvailability Availability, string? Version)> Probe = new(ProbeNative);
    private readonly OnnxRuntimeOptions _options;

    public OnnxRuntimeEngine(OnnxRuntimeOptions? options = null) => _options = (options ?? new OnnxRuntimeOptions()).Validated();

    public string Name => EngineName;

    public EngineAvailability Availability => Probe.Value.Availability;

    /// <summary>ONNX Runtime's version ("1.31.1"), or null when it is unavailable.</summary>
    public static string? Version => Probe.Value.Version;

    public OnnxRuntimeOptions Options => _options;

    public string Description => Availability.IsAvailable
        ? $"ONNX Runtime {Version}, CPU execution provider, {_options.Threads} intra-op threads (sequential, 1 inter-op), " +
          $"graph optimisation {Level(_options.GraphOptimization)}, spinning {(_options.AllowSpinning ? "on" : "off")}" +
          $"{(_options.FoldBatchNorm ? ", exported with batch norms folded" : "")}"
        : $"ONNX Runtime: {Availability}";

    /// <summary>Exports <paramref name="model"/> (any backend) to ONNX in memory and opens a session on it at <paramref name="batch"/>.</summary>
    public ILatencyRun Prepare(Model model, int batch)
    {
        if (!Availability.IsAvailable) throw new InvalidOperationException($"ONNX Runtime is {Availability}");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch size must be at least 1");
        byte[] onnx = OnnxExporter.Export(ModelWeights.FromModel(model), new OnnxExportOptions { FoldBatchNorm = _options.FoldBatchNorm }).ToByteArray();
        return new OnnxRuntimeRun(onnx, model.Spec, batch, _options);
    }

    public void Dispose() { }

    /// <summary>The optimisation level as ONNX Runtime's documentation names it ("all", "extended", "basic", "disabled").</summary>
    public static string Level(GraphOptimizationLevel level) => level switch
    {
        GraphOptimizationLevel.ORT_DISABLE_ALL => "disabled",
        GraphOptimizationLevel.ORT_ENABLE_BASIC => "basic",
        GraphOptimizationLevel.ORT_ENABLE_EXTENDED => "extended",
        GraphOptimizationLevel.ORT_ENABLE_ALL => "all",
        _ => level.ToString(),
    };

    // A missing managed assembly fails when the method that names its types is compiled, a missing native
    // library when OrtEnv is first touched: both happen inside LoadVersion, so both are caught here.
    private static (EngineAvailability, string?) ProbeNative()
    {
        try
        {
            return (EngineAvailability.Available, LoadVersion());
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException
                                      or BadImageFormatException or FileNotFoundException or FileLoadException or OnnxRuntimeException)
        {
            return (EngineAvailability.Unavailable(UnavailableReason(e)), null);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string LoadVersion() => OrtEnv.Instance().GetVersionString();

    private static string UnavailableReason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        string what = inner is FileNotFoundException or FileLoadException ? "its managed assembly" : "its native library (libonnxruntime)";
        return $"ONNX Runtime's {what} could not be loaded: {inner.Message.Trim()}";
    }
}
