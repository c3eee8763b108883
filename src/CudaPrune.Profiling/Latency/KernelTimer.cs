using CudaPrune.Core.Profiling;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// An op observer that times every op or launch of one run and attributes it to (layer, kernel). Its slots
/// (names, costs and the timing objects: CUDA events or timestamps) grow during the warm-up run only, so a
/// measured run allocates nothing per launch; the durations are read once the run is over.
/// </summary>
public abstract class KernelTimer : IOpObserver, IDisposable
{
    private string[] _layers = [];
    private string[] _kernels = [];
    private double[] _flops = [];
    private double[] _bytes = [];
    private int _count;

    /// <summary>Launches the slots can hold without growing.</summary>
    public int Capacity => _layers.Length;

    /// <summary>Forgets the previous run's launches (keeps the slots).</summary>
    public void StartRun() => _count = 0;

    public void Begin(in OpInfo op)
    {
        if (_count == _layers.Length) Grow(Math.Max(64, 2 * _count));
        _layers[_count] = LayerScope.Current;
        _kernels[_count] = op.Name;
        _flops[_count] = op.Flops;
        _bytes[_count] = op.Bytes;
        StartTiming(_count);
    }

    public void End() => StopTiming(_count++);

    /// <summary>Waits for the run's work and returns each launch with its duration, in launch order.</summary>
    public IReadOnlyList<LaunchTiming> FinishRun()
    {
        WaitForRun();
        var timings = new LaunchTiming[_count];
        for (int i = 0; i < _count; i++)
            timings[i] = new LaunchTiming(_layers[i], _kernels[i], _flops[i], _bytes[i], ElapsedMicroseconds(i));
        return timings;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _layers, capacity);
        Array.Resize(ref _kernels, capacity);
        Array.Resize(ref _flops, capacity);
        Array.Resize(ref _bytes, capacity);
        GrowSlots(capacity);
    }

    /// <summary>Makes room for <paramref name="capacity"/> timing slots (creates their events).</summary>
    protected abstract void GrowSlots(int capacity);

    /// <summary>Marks the start of the launch in <paramref name="slot"/>.</summary>
    protected abstract void StartTiming(int slot);

    /// <summary>Marks the end of the launch in <paramref name="slot"/>.</summary>
    protected abstract void StopTiming(int slot);

    /// <summary>Waits until every launch of the run has finished (a device synchronize).</summary>
    protected virtual void WaitForRun() { }

    /// <summary>The duration of the launch in <paramref name="slot"/>, after <see cref="WaitForRun"/>.</summary>
    protected abstract double ElapsedMicroseconds(int slot);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
