using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// Times each kernel launch with a pair of CUDA events recorded on the stream around it, taken from a pool
/// created during the warm-up run; the elapsed times are read after one synchronize at the end of the run.
/// </summary>
/// <remarks>
/// The events sit between the launches, so they perturb what they measure a little (a few µs per launch at
/// batch 1): end-to-end latency is measured separately, without them.
/// </remarks>
public sealed class CudaEventKernelTimer(IGpu gpu) : KernelTimer
{
    private readonly List<GpuEvent> _starts = [];
    private readonly List<GpuEvent> _ends = [];

    protected override void GrowSlots(int capacity)
    {
        while (_starts.Count < capacity)
        {
            _starts.Add(gpu.CreateEvent());
            _ends.Add(gpu.CreateEvent());
        }
    }

    protected override void StartTiming(int slot) => gpu.Record(_starts[slot]);

    protected override void StopTiming(int slot) => gpu.Record(_ends[slot]);

    protected override void WaitForRun() => gpu.Synchronize();

    protected override double ElapsedMicroseconds(int slot) => gpu.ElapsedMilliseconds(_starts[slot], _ends[slot]) * 1000.0;

    public override void Dispose()
    {
        foreach (var e in _starts.Concat(_ends)) e.Dispose();
        _starts.Clear();
        _ends.Clear();
        base.Dispose();
    }
}
