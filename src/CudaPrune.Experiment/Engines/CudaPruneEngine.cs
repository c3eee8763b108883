using CudaPrune.Core.Models;
using CudaPrune.Profiling.Latency;

namespace CudaPrune.Experiment.Engines;

/// <summary>
/// Our engine, timed the profiler's way: one eager forward pass in eval mode without gradients
/// (<see cref="EndToEndPass"/>), on the backend of <paramref name="device"/>.
/// </summary>
/// <param name="device">The profiling device of the backend the models live on; not owned.</param>
/// <param name="seed">Seed of the input images, the same one the ONNX Runtime engine is given.</param>
public sealed class CudaPruneEngine(ProfilingDevice device, int seed = 1, bool foldBatchNorm = false) : ILatencyEngine
{
    public const string EngineName = "cudaprune";

    public string Name => EngineName;

    public EngineAvailability Availability => EngineAvailability.Available;

    public string Description => $"CudaPrune, {device.Description}{(foldBatchNorm ? ", batch norms folded" : "")}";

    /// <param name="model">A model on the device's backend; kept in eval mode until the run is disposed.</param>
    public ILatencyRun Prepare(Model model, int batch) => new Run(new EndToEndPass(model, batch, device, seed, foldBatchNorm), batch);

    public void Dispose() { }

    private sealed class Run(EndToEndPass pass, int batch) : ILatencyRun
    {
        public string Engine => EngineName;

        public int Batch => batch;

        double ILatencyRun.Run() => pass.Run() / 1000.0;

        public void Dispose() => pass.Dispose();
    }
}
