using System.Diagnostics;
using CudaPrune.Core.Models;
using CudaPrune.Interop.Export;
using CudaPrune.Profiling.Latency;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CudaPrune.Experiment.Engines;

/// <summary>
/// One exported model in an ONNX Runtime session at one batch size, with its input and output tensors
/// allocated once: a run is the session's run call and nothing else.
/// </summary>
public sealed class OnnxRuntimeRun : ILatencyRun
{
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames = [OnnxExporter.InputName];
    private readonly string[] _outputNames = [OnnxExporter.OutputName];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    /// <param name="onnx">The model as ONNX bytes (<see cref="OnnxExporter"/>'s graph: input "input", output "logits").</param>
    internal OnnxRuntimeRun(byte[] onnx, ModelSpec spec, int batch, OnnxRuntimeOptions options)
    {
        Batch = batch;
        Images = LatencyProfiler.RandomImages(spec, batch, options.Seed);
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = options.GraphOptimization,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        _session = new InferenceSession(onnx, _sessionOptions);
        var input = spec.InputShape;
        _inputs = [OrtValue.CreateTensorValueFromMemory(Images, [batch, input.Channels, input.Height, input.Width])];
        _outputs = [OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [batch, spec.NumClasses])];
    }

    public string Engine => OnnxRuntimeEngine.EngineName;

    public int Batch { get; }

    /// <summary>The fixed input [N,C,H,W]: <see cref="LatencyProfiler.RandomImages"/> with the engine's seed, as our engine's.</summary>
    public float[] Images { get; }

    public double Run()
    {
        long start = Stopwatch.GetTimestamp();
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The logits [N,classes] of the last run: what the timed session computed, for checking it is the right model.</summary>
    public float[] Logits() => _outputs[0].GetTensorDataAsSpan<float>().ToArray();

    public void Dispose()
    {
        foreach (var v in _outputs) v.Dispose();
        foreach (var v in _inputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _sessionOptions.Dispose();
    }
}
